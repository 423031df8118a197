;; A bilinear sampler for rolled draws (src/engine/render/rolled-sampler.ts). After an edit, run
;; `node scripts/build-sampler.mjs`: it compiles this into rolled-sampler-wasm.ts. (The loop
;; constants are converted with trapping truncations: V8 recomputed saturating ones, which
;; have no side effect to keep them out of the loops, at every pixel: 3x slower.)
(module
  (memory (export "memory") 1)

  ;; Premultiplies n RGBA pixels at p in place (rgb * a / 255, rounded).
  (func (export "premultiply") (param $p i32) (param $n i32)
    (local $end i32) (local $a i32) (local $c i32) (local $k i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $a (i32.load8_u offset=3 (local.get $p)))
      (if (i32.lt_u (local.get $a) (i32.const 255)) (then
        (local.set $k (i32.const 0))
        (block $cdone (loop $cnext
          (br_if $cdone (i32.ge_u (local.get $k) (i32.const 3)))
          (local.set $c (i32.mul (i32.load8_u (i32.add (local.get $p) (local.get $k))) (local.get $a)))
          ;; (c + 128 + ((c + 128) >> 8)) >> 8 == round(c / 255)
          (local.set $c (i32.add (local.get $c) (i32.const 128)))
          (i32.store8 (i32.add (local.get $p) (local.get $k))
            (i32.shr_u (i32.add (local.get $c) (i32.shr_u (local.get $c) (i32.const 8))) (i32.const 8)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $cnext)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $next))))

  ;; Fills n pixels at p with the RGBA word w.
  (func (export "fill") (param $p i32) (param $n i32) (param $w i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (i32.store (local.get $p) (local.get $w))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $next))))

  ;; Narrows [lo, hi) to the k in it (pixels x0 + k... as x) where lo <= a + d*(x - x0) < hi holds for
  ;; a value a (at x0) stepping by d per pixel; the result in the globals nlo, nhi.
  (global $nlo (mut f64) (f64.const 0))
  (global $nhi (mut f64) (f64.const 0))
  (func $narrow (param $a i32) (param $d i32) (param $min i32) (param $max i32) (param $x0 i32) (param $lo f64) (param $hi f64)
    (local $p f64) (local $q f64)
    (if (i32.eqz (local.get $d))
      (then
        (if (i32.or (i32.lt_s (local.get $a) (local.get $min)) (i32.ge_s (local.get $a) (local.get $max)))
          (then (local.set $hi (local.get $lo)))))
      (else
        ;; x where the value crosses min and max
        (local.set $p (f64.add (f64.convert_i32_s (local.get $x0))
          (f64.div (f64.convert_i32_s (i32.sub (local.get $min) (local.get $a))) (f64.convert_i32_s (local.get $d)))))
        (local.set $q (f64.add (f64.convert_i32_s (local.get $x0))
          (f64.div (f64.convert_i32_s (i32.sub (local.get $max) (local.get $a))) (f64.convert_i32_s (local.get $d)))))
        (if (i32.lt_s (local.get $d) (i32.const 0))
          (then (local.set $p (f64.add (local.get $p) (local.get $q))) (local.set $q (f64.sub (local.get $p) (local.get $q))) (local.set $p (f64.sub (local.get $p) (local.get $q)))))
        (local.set $lo (f64.max (local.get $lo) (local.get $p)))
        (local.set $hi (f64.min (local.get $hi) (local.get $q)))))
    (global.set $nlo (local.get $lo))
    (global.set $nhi (f64.max (local.get $lo) (local.get $hi))))

  ;; A pixel near the rectangle's edges or the level's (the loops before and after the inside,
  ;; below): coverage, clamped taps. Written out in both loops, on the draw's locals: as a
  ;; function reading its constants from globals it took a quarter of a rolled frame's time.

  ;; Draws the rectangle [rx0, rx1) x [ry0, ry1) (level px) of a premultiplied sw x sh level
  ;; at src onto the dw-wide premultiplied frame at dst, source-over with opacity alpha
  ;; (0..32768: the motion-blur average's weights 1/n need more than 8 bits), over the
  ;; output box [bx0, bx1) x [by0, by1). (ia..if) maps an output pixel's
  ;; centre to level px; kx, ky are output px per level px across the rectangle's edges, for
  ;; their anti-aliased coverage. Columns are walked in strips of 128: a rolled row crosses
  ;; many source rows, and a strip keeps the rows it reads in cache for the next output row.
  ;; The loops use integers only (16.16 level px): floats live in the SIMD registers.
  (func (export "draw")
    (param $src i32) (param $sw i32) (param $sh i32)
    (param $rx0 f64) (param $ry0 f64) (param $rx1 f64) (param $ry1 f64)
    (param $dst i32) (param $dw i32)
    (param $bx0 i32) (param $by0 i32) (param $bx1 i32) (param $by1 i32)
    (param $ia f64) (param $ib f64) (param $ic f64) (param $id f64) (param $ie f64) (param $if f64)
    (param $kx f64) (param $ky f64) (param $alpha i32) (param $opaque i32)
    (local $x0 i32) (local $x1 i32) (local $x i32) (local $y i32)
    (local $u i32) (local $v i32) (local $du i32) (local $dv i32) (local $duy i32) (local $dvy i32)
    (local $ur i32) (local $vr i32)
    (local $tu i32) (local $tv i32) (local $ui i32) (local $vi i32) (local $fx i32) (local $fy i32)
    (local $addr i32) (local $out i32) (local $stride i32) (local $a i32) (local $sa i32) (local $c i32)
    (local $ou0 i32) (local $ou1 i32) (local $ov0 i32) (local $ov1 i32)
    (local $iu0 i32) (local $iu1 i32) (local $iv0 i32) (local $iv1 i32)
    (local $eu0 i32) (local $eu1 i32) (local $ev0 i32) (local $ev1 i32) (local $kx8 i32) (local $ky8 i32)
    (local $umax i32) (local $vmax i32) (local $fu0 i32) (local $fu1 i32) (local $fv0 i32) (local $fv1 i32) (local $xa i32) (local $xb i32) (local $xo i32) (local $xe i32) (local $lo f64) (local $hi f64)
    (local $t v128) (local $b v128) (local $m v128) (local $h v128) (local $d v128)
    (local.set $stride (i32.shl (local.get $sw) (i32.const 2)))
    (local.set $umax (i32.sub (local.get $sw) (i32.const 2)))
    (local.set $vmax (i32.sub (local.get $sh) (i32.const 2)))
    (local.set $du (i32.trunc_f64_s (f64.nearest (f64.mul (local.get $ia) (f64.const 65536)))))
    (local.set $dv (i32.trunc_f64_s (f64.nearest (f64.mul (local.get $ib) (f64.const 65536)))))
    (local.set $duy (i32.trunc_f64_s (f64.nearest (f64.mul (local.get $ic) (f64.const 65536)))))
    (local.set $dvy (i32.trunc_f64_s (f64.nearest (f64.mul (local.get $id) (f64.const 65536)))))
    (local.set $kx8 (i32.trunc_f64_s (f64.nearest (f64.mul (local.get $kx) (f64.const 256)))))
    (local.set $ky8 (i32.trunc_f64_s (f64.nearest (f64.mul (local.get $ky) (f64.const 256)))))
    ;; The edges, and the outer (coverage > 0) and inner (coverage 1) bounds, 16.16 level px.
    (local.set $eu0 (i32.trunc_f64_s (f64.mul (local.get $rx0) (f64.const 65536))))
    (local.set $eu1 (i32.trunc_f64_s (f64.mul (local.get $rx1) (f64.const 65536))))
    (local.set $ev0 (i32.trunc_f64_s (f64.mul (local.get $ry0) (f64.const 65536))))
    (local.set $ev1 (i32.trunc_f64_s (f64.mul (local.get $ry1) (f64.const 65536))))
    (local.set $ou0 (i32.trunc_f64_s (f64.mul (f64.sub (local.get $rx0) (f64.div (f64.const 0.5) (local.get $kx))) (f64.const 65536))))
    (local.set $ou1 (i32.trunc_f64_s (f64.mul (f64.add (local.get $rx1) (f64.div (f64.const 0.5) (local.get $kx))) (f64.const 65536))))
    (local.set $ov0 (i32.trunc_f64_s (f64.mul (f64.sub (local.get $ry0) (f64.div (f64.const 0.5) (local.get $ky))) (f64.const 65536))))
    (local.set $ov1 (i32.trunc_f64_s (f64.mul (f64.add (local.get $ry1) (f64.div (f64.const 0.5) (local.get $ky))) (f64.const 65536))))
    (local.set $iu0 (i32.trunc_f64_s (f64.mul (f64.add (local.get $rx0) (f64.div (f64.const 0.5) (local.get $kx))) (f64.const 65536))))
    (local.set $iu1 (i32.trunc_f64_s (f64.mul (f64.sub (local.get $rx1) (f64.div (f64.const 0.5) (local.get $kx))) (f64.const 65536))))
    (local.set $iv0 (i32.trunc_f64_s (f64.mul (f64.add (local.get $ry0) (f64.div (f64.const 0.5) (local.get $ky))) (f64.const 65536))))
    (local.set $iv1 (i32.trunc_f64_s (f64.mul (f64.sub (local.get $ry1) (f64.div (f64.const 0.5) (local.get $ky))) (f64.const 65536))))
    ;; The fast bounds: coverage 1 and every tap inside the level, no test needed.
    (local.set $fu0 (local.get $iu0))
    (if (i32.lt_s (local.get $fu0) (i32.const 32768)) (then (local.set $fu0 (i32.const 32768))))
    (local.set $fu1 (local.get $iu1))
    (if (i32.gt_s (local.get $fu1) (i32.sub (i32.shl (local.get $sw) (i32.const 16)) (i32.const 98304)))
      (then (local.set $fu1 (i32.sub (i32.shl (local.get $sw) (i32.const 16)) (i32.const 98304)))))
    (local.set $fv0 (local.get $iv0))
    (if (i32.lt_s (local.get $fv0) (i32.const 32768)) (then (local.set $fv0 (i32.const 32768))))
    (local.set $fv1 (local.get $iv1))
    (if (i32.gt_s (local.get $fv1) (i32.sub (i32.shl (local.get $sh) (i32.const 16)) (i32.const 98304)))
      (then (local.set $fv1 (i32.sub (i32.shl (local.get $sh) (i32.const 16)) (i32.const 98304)))))
    (local.set $x0 (local.get $bx0))
    (block $sdone (loop $strip
      (br_if $sdone (i32.ge_s (local.get $x0) (local.get $bx1)))
      (local.set $x1 (i32.add (local.get $x0) (i32.const 128)))
      (if (i32.gt_s (local.get $x1) (local.get $bx1)) (then (local.set $x1 (local.get $bx1))))
      ;; The sample point of the strip's first pixel in its first row.
      (local.set $ur (i32.trunc_f64_s (f64.nearest (f64.mul (f64.const 65536) (f64.add (f64.add
        (f64.mul (local.get $ia) (f64.add (f64.convert_i32_s (local.get $x0)) (f64.const 0.5)))
        (f64.mul (local.get $ic) (f64.add (f64.convert_i32_s (local.get $by0)) (f64.const 0.5)))) (local.get $ie))))))
      (local.set $vr (i32.trunc_f64_s (f64.nearest (f64.mul (f64.const 65536) (f64.add (f64.add
        (f64.mul (local.get $ib) (f64.add (f64.convert_i32_s (local.get $x0)) (f64.const 0.5)))
        (f64.mul (local.get $id) (f64.add (f64.convert_i32_s (local.get $by0)) (f64.const 0.5)))) (local.get $if))))))
      (local.set $y (local.get $by0))
      (block $ydone (loop $row
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $by1)))
        ;; This row's pixels that the rectangle may cover, [xo, xe), a pixel out at each end...
        (local.set $lo (f64.convert_i32_s (local.get $x0)))
        (local.set $hi (f64.convert_i32_s (local.get $x1)))
        (call $narrow (local.get $ur) (local.get $du) (local.get $ou0) (local.get $ou1) (local.get $x0) (local.get $lo) (local.get $hi))
        (local.set $lo (global.get $nlo)) (local.set $hi (global.get $nhi))
        (call $narrow (local.get $vr) (local.get $dv) (local.get $ov0) (local.get $ov1) (local.get $x0) (local.get $lo) (local.get $hi))
        (local.set $xo (i32.trunc_f64_s (f64.sub (f64.floor (global.get $nlo)) (f64.const 1))))
        (local.set $xe (i32.trunc_f64_s (f64.add (f64.ceil (global.get $nhi)) (f64.const 1))))
        (if (i32.lt_s (local.get $xo) (local.get $x0)) (then (local.set $xo (local.get $x0))))
        (if (i32.gt_s (local.get $xe) (local.get $x1)) (then (local.set $xe (local.get $x1))))
        ;; ...and those inside the fast bounds, [xa, xb), a pixel in at each end.
        (local.set $lo (f64.convert_i32_s (local.get $x0)))
        (local.set $hi (f64.convert_i32_s (local.get $x1)))
        (call $narrow (local.get $ur) (local.get $du) (local.get $fu0) (local.get $fu1) (local.get $x0) (local.get $lo) (local.get $hi))
        (local.set $lo (global.get $nlo)) (local.set $hi (global.get $nhi))
        (call $narrow (local.get $vr) (local.get $dv) (local.get $fv0) (local.get $fv1) (local.get $x0) (local.get $lo) (local.get $hi))
        (local.set $xa (i32.trunc_f64_s (f64.add (f64.ceil (global.get $nlo)) (f64.const 1))))
        (local.set $xb (i32.trunc_f64_s (f64.sub (f64.floor (global.get $nhi)) (f64.const 1))))
        (if (i32.lt_s (local.get $xa) (local.get $xo)) (then (local.set $xa (local.get $xo))))
        (if (i32.gt_s (local.get $xb) (local.get $xe)) (then (local.set $xb (local.get $xe))))
        (if (i32.lt_s (local.get $xb) (local.get $xa)) (then (local.set $xb (local.get $xa))))
        (local.set $x (local.get $xo))
        (local.set $u (i32.add (local.get $ur) (i32.mul (local.get $du) (i32.sub (local.get $xo) (local.get $x0)))))
        (local.set $v (i32.add (local.get $vr) (i32.mul (local.get $dv) (i32.sub (local.get $xo) (local.get $x0)))))
        (local.set $out (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (local.get $y) (local.get $dw)) (local.get $xo)) (i32.const 2))))
        (block $adone (loop $apx
          (br_if $adone (i32.ge_s (local.get $x) (local.get $xa)))
          (block $skip
            (br_if $skip (i32.or
              (i32.or (i32.lt_s (local.get $u) (local.get $ou0)) (i32.ge_s (local.get $u) (local.get $ou1)))
              (i32.or (i32.lt_s (local.get $v) (local.get $ov0)) (i32.ge_s (local.get $v) (local.get $ov1)))))
            (local.set $a (local.get $alpha))
            (if (i32.or
                  (i32.or (i32.lt_s (local.get $u) (local.get $iu0)) (i32.ge_s (local.get $u) (local.get $iu1)))
                  (i32.or (i32.lt_s (local.get $v) (local.get $iv0)) (i32.ge_s (local.get $v) (local.get $iv1))))
              (then
                ;; Coverage (1/256): the distance to the nearest edge in output px, plus a half.
                (local.set $c (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $u) (local.get $eu0)) (i32.const 8)) (local.get $kx8)) (i32.const 8)))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $eu1) (local.get $u)) (i32.const 8)) (local.get $kx8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $v) (local.get $ev0)) (i32.const 8)) (local.get $ky8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $ev1) (local.get $v)) (i32.const 8)) (local.get $ky8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $c (i32.add (local.get $c) (i32.const 128)))
                (if (i32.lt_s (local.get $c) (i32.const 0)) (then (local.set $c (i32.const 0))))
                (if (i32.gt_s (local.get $c) (i32.const 256)) (then (local.set $c (i32.const 256))))
                (local.set $a (i32.shr_u (i32.add (i32.mul (local.get $a) (local.get $c)) (i32.const 128)) (i32.const 8)))))
            (br_if $skip (i32.eqz (local.get $a)))
            ;; The taps: the sample point less half a texel, clamped to the level.
            (local.set $tu (i32.sub (local.get $u) (i32.const 32768)))
            (local.set $tv (i32.sub (local.get $v) (i32.const 32768)))
            (local.set $ui (i32.shr_s (local.get $tu) (i32.const 16)))
            (local.set $vi (i32.shr_s (local.get $tv) (i32.const 16)))
            (local.set $fx (i32.and (i32.shr_u (local.get $tu) (i32.const 8)) (i32.const 255)))
            (local.set $fy (i32.and (i32.shr_u (local.get $tv) (i32.const 8)) (i32.const 255)))
            (if (i32.lt_s (local.get $ui) (i32.const 0)) (then (local.set $ui (i32.const 0)) (local.set $fx (i32.const 0))))
            (if (i32.gt_s (local.get $ui) (local.get $umax)) (then (local.set $ui (local.get $umax)) (local.set $fx (i32.const 255))))
            (if (i32.lt_s (local.get $vi) (i32.const 0)) (then (local.set $vi (i32.const 0)) (local.set $fy (i32.const 0))))
            (if (i32.gt_s (local.get $vi) (local.get $vmax)) (then (local.set $vi (local.get $vmax)) (local.set $fy (i32.const 255))))
            (local.set $addr (i32.add (local.get $src)
              (i32.add (i32.mul (local.get $vi) (local.get $stride)) (i32.shl (local.get $ui) (i32.const 2)))))
            (local.set $t (i16x8.extend_low_i8x16_u (v128.load64_zero (local.get $addr))))
            (local.set $b (i16x8.extend_low_i8x16_u (v128.load64_zero (i32.add (local.get $addr) (local.get $stride)))))
            (local.set $m (i16x8.add (local.get $t)
              (i16x8.q15mulr_sat_s (i16x8.sub (local.get $b) (local.get $t))
                (i16x8.splat (i32.shl (local.get $fy) (i32.const 7))))))
            (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))
            (local.set $m (i16x8.add (local.get $m)
              (i16x8.q15mulr_sat_s (i16x8.sub (local.get $h) (local.get $m))
                (i16x8.splat (i32.shl (local.get $fx) (i32.const 7))))))
            (if (i32.and (local.get $opaque) (i32.eq (local.get $a) (i32.const 32768)))
              (then (v128.store32_lane 0 (local.get $out) (i8x16.narrow_i16x8_u (local.get $m) (local.get $m))))
              (else
                ;; s = p * a / 32768; out = s + d * (255 - s.alpha) / 255
                (local.set $m (i16x8.q15mulr_sat_s (local.get $m) (i16x8.splat (select (local.get $a) (i32.const 32767) (i32.lt_s (local.get $a) (i32.const 32767))))))
                (local.set $sa (i32.sub (i32.const 255) (i16x8.extract_lane_u 3 (local.get $m))))
                (local.set $d (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $out))))
                (local.set $d (i16x8.mul (local.get $d) (i16x8.splat (local.get $sa))))
                ;; (x + 128 + ((x + 128) >> 8)) >> 8 == round(x / 255)
                (local.set $d (i16x8.add (local.get $d) (i16x8.splat (i32.const 128))))
                (local.set $d (i16x8.shr_u (i16x8.add (local.get $d) (i16x8.shr_u (local.get $d) (i32.const 8))) (i32.const 8)))
                (v128.store32_lane 0 (local.get $out)
                  (i8x16.narrow_i16x8_u (i16x8.add (local.get $m) (local.get $d)) (local.get $m))))))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $u (i32.add (local.get $u) (local.get $du)))
          (local.set $v (i32.add (local.get $v) (local.get $dv)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $apx)))
        ;; The inside, by the kind of blend (chosen once: V8 does not hoist it out of the loop).
        (if (i32.eqz (local.get $opaque))
          (then
        (block $gdone (loop $gpx
          (br_if $gdone (i32.ge_s (local.get $x) (local.get $xb)))
              (local.set $tu (i32.sub (local.get $u) (i32.const 32768)))
              (local.set $tv (i32.sub (local.get $v) (i32.const 32768)))
              (local.set $addr (i32.add (local.get $src)
                (i32.add (i32.mul (i32.shr_s (local.get $tv) (i32.const 16)) (local.get $stride)) (i32.shl (i32.shr_s (local.get $tu) (i32.const 16)) (i32.const 2)))))
              (local.set $t (i16x8.extend_low_i8x16_u (v128.load64_zero (local.get $addr))))
              (local.set $b (i16x8.extend_low_i8x16_u (v128.load64_zero (i32.add (local.get $addr) (local.get $stride)))))
              (local.set $m (i16x8.add (local.get $t)
                (i16x8.q15mulr_sat_s (i16x8.sub (local.get $b) (local.get $t))
                  (i16x8.splat (i32.shl (i32.and (i32.shr_u (local.get $tv) (i32.const 8)) (i32.const 255)) (i32.const 7))))))
              (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))
              (local.set $m (i16x8.add (local.get $m)
                (i16x8.q15mulr_sat_s (i16x8.sub (local.get $h) (local.get $m))
                  (i16x8.splat (i32.shl (i32.and (i32.shr_u (local.get $tu) (i32.const 8)) (i32.const 255)) (i32.const 7))))))
                  (local.set $m (i16x8.q15mulr_sat_s (local.get $m) (i16x8.splat (select (local.get $alpha) (i32.const 32767) (i32.lt_s (local.get $alpha) (i32.const 32767))))))
                  (local.set $sa (i32.sub (i32.const 255) (i16x8.extract_lane_u 3 (local.get $m))))
                  (local.set $d (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $out))))
                  (local.set $d (i16x8.mul (local.get $d) (i16x8.splat (local.get $sa))))
                  (local.set $d (i16x8.add (local.get $d) (i16x8.splat (i32.const 128))))
                  (local.set $d (i16x8.shr_u (i16x8.add (local.get $d) (i16x8.shr_u (local.get $d) (i32.const 8))) (i32.const 8)))
                  (v128.store32_lane 0 (local.get $out)
                    (i8x16.narrow_i16x8_u (i16x8.add (local.get $m) (local.get $d)) (local.get $m)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $u (i32.add (local.get $u) (local.get $du)))
          (local.set $v (i32.add (local.get $v) (local.get $dv)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $gpx))))
          (else (if (i32.eq (local.get $alpha) (i32.const 32768))
            (then
        (block $fdone (loop $fpx
          (br_if $fdone (i32.ge_s (local.get $x) (local.get $xb)))
              (local.set $tu (i32.sub (local.get $u) (i32.const 32768)))
              (local.set $tv (i32.sub (local.get $v) (i32.const 32768)))
              (local.set $addr (i32.add (local.get $src)
                (i32.add (i32.mul (i32.shr_s (local.get $tv) (i32.const 16)) (local.get $stride)) (i32.shl (i32.shr_s (local.get $tu) (i32.const 16)) (i32.const 2)))))
              (local.set $t (i16x8.extend_low_i8x16_u (v128.load64_zero (local.get $addr))))
              (local.set $b (i16x8.extend_low_i8x16_u (v128.load64_zero (i32.add (local.get $addr) (local.get $stride)))))
              (local.set $m (i16x8.add (local.get $t)
                (i16x8.q15mulr_sat_s (i16x8.sub (local.get $b) (local.get $t))
                  (i16x8.splat (i32.shl (i32.and (i32.shr_u (local.get $tv) (i32.const 8)) (i32.const 255)) (i32.const 7))))))
              (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))
              (local.set $m (i16x8.add (local.get $m)
                (i16x8.q15mulr_sat_s (i16x8.sub (local.get $h) (local.get $m))
                  (i16x8.splat (i32.shl (i32.and (i32.shr_u (local.get $tu) (i32.const 8)) (i32.const 255)) (i32.const 7))))))
              (v128.store32_lane 0 (local.get $out) (i8x16.narrow_i16x8_u (local.get $m) (local.get $m)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $u (i32.add (local.get $u) (local.get $du)))
          (local.set $v (i32.add (local.get $v) (local.get $dv)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $fpx))))
            (else
        (block $ldone (loop $lpx
          (br_if $ldone (i32.ge_s (local.get $x) (local.get $xb)))
              (local.set $tu (i32.sub (local.get $u) (i32.const 32768)))
              (local.set $tv (i32.sub (local.get $v) (i32.const 32768)))
              (local.set $addr (i32.add (local.get $src)
                (i32.add (i32.mul (i32.shr_s (local.get $tv) (i32.const 16)) (local.get $stride)) (i32.shl (i32.shr_s (local.get $tu) (i32.const 16)) (i32.const 2)))))
              (local.set $t (i16x8.extend_low_i8x16_u (v128.load64_zero (local.get $addr))))
              (local.set $b (i16x8.extend_low_i8x16_u (v128.load64_zero (i32.add (local.get $addr) (local.get $stride)))))
              (local.set $m (i16x8.add (local.get $t)
                (i16x8.q15mulr_sat_s (i16x8.sub (local.get $b) (local.get $t))
                  (i16x8.splat (i32.shl (i32.and (i32.shr_u (local.get $tv) (i32.const 8)) (i32.const 255)) (i32.const 7))))))
              (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))
              (local.set $m (i16x8.add (local.get $m)
                (i16x8.q15mulr_sat_s (i16x8.sub (local.get $h) (local.get $m))
                  (i16x8.splat (i32.shl (i32.and (i32.shr_u (local.get $tu) (i32.const 8)) (i32.const 255)) (i32.const 7))))))
              ;; An opaque source at opacity a: out = d + (s - d) * a / 32768.
              (local.set $d (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $out))))
              (v128.store32_lane 0 (local.get $out) (i8x16.narrow_i16x8_u
                (i16x8.add (local.get $d) (i16x8.q15mulr_sat_s (i16x8.sub (local.get $m) (local.get $d))
                  (i16x8.splat (local.get $alpha))))
                (local.get $m)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $u (i32.add (local.get $u) (local.get $du)))
          (local.set $v (i32.add (local.get $v) (local.get $dv)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $lpx)))))))
        (block $bdone (loop $bpx
          (br_if $bdone (i32.ge_s (local.get $x) (local.get $xe)))
          (block $skip
            (br_if $skip (i32.or
              (i32.or (i32.lt_s (local.get $u) (local.get $ou0)) (i32.ge_s (local.get $u) (local.get $ou1)))
              (i32.or (i32.lt_s (local.get $v) (local.get $ov0)) (i32.ge_s (local.get $v) (local.get $ov1)))))
            (local.set $a (local.get $alpha))
            (if (i32.or
                  (i32.or (i32.lt_s (local.get $u) (local.get $iu0)) (i32.ge_s (local.get $u) (local.get $iu1)))
                  (i32.or (i32.lt_s (local.get $v) (local.get $iv0)) (i32.ge_s (local.get $v) (local.get $iv1))))
              (then
                ;; Coverage (1/256): the distance to the nearest edge in output px, plus a half.
                (local.set $c (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $u) (local.get $eu0)) (i32.const 8)) (local.get $kx8)) (i32.const 8)))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $eu1) (local.get $u)) (i32.const 8)) (local.get $kx8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $v) (local.get $ev0)) (i32.const 8)) (local.get $ky8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $ev1) (local.get $v)) (i32.const 8)) (local.get $ky8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $c (i32.add (local.get $c) (i32.const 128)))
                (if (i32.lt_s (local.get $c) (i32.const 0)) (then (local.set $c (i32.const 0))))
                (if (i32.gt_s (local.get $c) (i32.const 256)) (then (local.set $c (i32.const 256))))
                (local.set $a (i32.shr_u (i32.add (i32.mul (local.get $a) (local.get $c)) (i32.const 128)) (i32.const 8)))))
            (br_if $skip (i32.eqz (local.get $a)))
            ;; The taps: the sample point less half a texel, clamped to the level.
            (local.set $tu (i32.sub (local.get $u) (i32.const 32768)))
            (local.set $tv (i32.sub (local.get $v) (i32.const 32768)))
            (local.set $ui (i32.shr_s (local.get $tu) (i32.const 16)))
            (local.set $vi (i32.shr_s (local.get $tv) (i32.const 16)))
            (local.set $fx (i32.and (i32.shr_u (local.get $tu) (i32.const 8)) (i32.const 255)))
            (local.set $fy (i32.and (i32.shr_u (local.get $tv) (i32.const 8)) (i32.const 255)))
            (if (i32.lt_s (local.get $ui) (i32.const 0)) (then (local.set $ui (i32.const 0)) (local.set $fx (i32.const 0))))
            (if (i32.gt_s (local.get $ui) (local.get $umax)) (then (local.set $ui (local.get $umax)) (local.set $fx (i32.const 255))))
            (if (i32.lt_s (local.get $vi) (i32.const 0)) (then (local.set $vi (i32.const 0)) (local.set $fy (i32.const 0))))
            (if (i32.gt_s (local.get $vi) (local.get $vmax)) (then (local.set $vi (local.get $vmax)) (local.set $fy (i32.const 255))))
            (local.set $addr (i32.add (local.get $src)
              (i32.add (i32.mul (local.get $vi) (local.get $stride)) (i32.shl (local.get $ui) (i32.const 2)))))
            (local.set $t (i16x8.extend_low_i8x16_u (v128.load64_zero (local.get $addr))))
            (local.set $b (i16x8.extend_low_i8x16_u (v128.load64_zero (i32.add (local.get $addr) (local.get $stride)))))
            (local.set $m (i16x8.add (local.get $t)
              (i16x8.q15mulr_sat_s (i16x8.sub (local.get $b) (local.get $t))
                (i16x8.splat (i32.shl (local.get $fy) (i32.const 7))))))
            (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))
            (local.set $m (i16x8.add (local.get $m)
              (i16x8.q15mulr_sat_s (i16x8.sub (local.get $h) (local.get $m))
                (i16x8.splat (i32.shl (local.get $fx) (i32.const 7))))))
            (if (i32.and (local.get $opaque) (i32.eq (local.get $a) (i32.const 32768)))
              (then (v128.store32_lane 0 (local.get $out) (i8x16.narrow_i16x8_u (local.get $m) (local.get $m))))
              (else
                ;; s = p * a / 32768; out = s + d * (255 - s.alpha) / 255
                (local.set $m (i16x8.q15mulr_sat_s (local.get $m) (i16x8.splat (select (local.get $a) (i32.const 32767) (i32.lt_s (local.get $a) (i32.const 32767))))))
                (local.set $sa (i32.sub (i32.const 255) (i16x8.extract_lane_u 3 (local.get $m))))
                (local.set $d (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $out))))
                (local.set $d (i16x8.mul (local.get $d) (i16x8.splat (local.get $sa))))
                ;; (x + 128 + ((x + 128) >> 8)) >> 8 == round(x / 255)
                (local.set $d (i16x8.add (local.get $d) (i16x8.splat (i32.const 128))))
                (local.set $d (i16x8.shr_u (i16x8.add (local.get $d) (i16x8.shr_u (local.get $d) (i32.const 8))) (i32.const 8)))
                (v128.store32_lane 0 (local.get $out)
                  (i8x16.narrow_i16x8_u (i16x8.add (local.get $m) (local.get $d)) (local.get $m))))))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $u (i32.add (local.get $u) (local.get $du)))
          (local.set $v (i32.add (local.get $v) (local.get $dv)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $bpx)))
        (local.set $ur (i32.add (local.get $ur) (local.get $duy)))
        (local.set $vr (i32.add (local.get $vr) (local.get $dvy)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row)))
      (local.set $x0 (local.get $x1))
      (br $strip))))

;; The frame as yuv420p for x264, as ffmpeg's swscale converts RGBA (BT.601, limited range): the
  ;; w x h RGBA frame at src (w, h even, w >= 16) to the Y, U and V planes at dst, through
  ;; w x h x 2 bytes of scratch at tmp. Luma: swscale's 2^15 fixed point and rounding. Chroma: sited at the
  ;; centre of each 2x2 block, as swscale's: each pair of columns summed (a first pass, per
  ;; row, U and V at 1/64 level in the scratch), then the rows filtered by swscale's bicubic
  ;; 2:1 (eight taps, the edges clamped; measured on ffmpeg's output, least squares: its taps
  ;; to 0.001). A row's last chunk ends at its end, overlapping the one before.
  (func (export "yuv420") (param $src i32) (param $w i32) (param $h i32) (param $dst i32) (param $tmp i32)
    (local $x i32) (local $y i32) (local $c i32) (local $k i32) (local $r i32) (local $at i32) (local $row i32)
    (local $cw i32) (local $cw2 i32) (local $ch i32) (local $lastrow i32)
    (local $yo i32) (local $tu i32) (local $tv i32) (local $u i32) (local $v i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $t4 i32) (local $t5 i32) (local $t6 i32) (local $t7 i32)
    (local $p0 v128) (local $p1 v128) (local $q0 v128) (local $q1 v128) (local $a v128) (local $b v128)
    (local.set $cw (i32.shr_u (local.get $w) (i32.const 1)))
    (local.set $cw2 (local.get $w)) ;; bytes of one scratch row: cw values of 2 bytes
    (local.set $ch (i32.shr_u (local.get $h) (i32.const 1)))
    (local.set $lastrow (i32.sub (local.get $h) (i32.const 1)))
    ;; Pass 1, per row: luma, and the column pairs' U and V (U at tmp, V at tmp + h rows).
    (local.set $y (i32.const 0))
    (block $ydone (loop $yrow
      (br_if $ydone (i32.ge_u (local.get $y) (local.get $h)))
      (local.set $row (i32.add (local.get $src) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
      (local.set $yo (i32.add (local.get $dst) (i32.mul (local.get $y) (local.get $w))))
      (local.set $tu (i32.add (local.get $tmp) (i32.mul (local.get $y) (local.get $cw2))))
      (local.set $tv (i32.add (local.get $tu) (i32.mul (local.get $h) (local.get $cw2))))
      (local.set $x (i32.const 0))
      (block $xdone (loop $chunk
        (br_if $xdone (i32.ge_u (local.get $x) (local.get $w)))
        (if (i32.gt_u (i32.add (local.get $x) (i32.const 8)) (local.get $w)) (then (local.set $x (i32.sub (local.get $w) (i32.const 8)))))
        (local.set $at (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2))))
        (local.set $p0 (v128.load (local.get $at)))
        (local.set $p1 (v128.load offset=16 (local.get $at)))
        (v128.store64_lane 0 (i32.add (local.get $yo) (local.get $x))
          (i8x16.narrow_i16x8_u (local.tee $a (i16x8.narrow_i32x4_s
            (i32x4.shr_s (i32x4.add (i32x4.splat (i32.const 32)) (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (local.tee $a (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $p0)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0)))
                  (local.tee $b (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $p0)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0))))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
              (i32x4.splat (i32.const 524544))) ;; 16 << 15, and swscale's rounding to 1/64 and then to 1
            (i32.const 9))) (i32.const 6))
            (i32x4.shr_s (i32x4.add (i32x4.splat (i32.const 32)) (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (local.tee $a (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $p1)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0)))
                  (local.tee $b (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $p1)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0))))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
              (i32x4.splat (i32.const 524544))) ;; 16 << 15, and swscale's rounding to 1/64 and then to 1
            (i32.const 9))) (i32.const 6))))
            (local.get $a)))
        ;; q0, q1: the column pairs' sums (x, x+1), (x+2, x+3); (x+4, x+5), (x+6, x+7). Stored
        ;; at byte x of the scratch row: the chroma column x/2, two bytes a value.
        (local.set $q0 (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p0))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p0))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
        (local.set $q1 (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p1))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p1))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
        (v128.store64_lane 0 (i32.add (local.get $tu) (local.get $x))
          (i16x8.narrow_i32x4_s
            (local.tee $a (i32x4.shr_s
              (i32x4.add
                (i32x4.add
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (local.tee $a (i32x4.dot_i16x8_s (local.get $q0) (v128.const i16x8 -4857 -9535 14392 0 -4857 -9535 14392 0)))
                    (local.tee $b (i32x4.dot_i16x8_s (local.get $q1) (v128.const i16x8 -4857 -9535 14392 0 -4857 -9535 14392 0))))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
                (i32x4.splat (i32.const 512)))
              (i32.const 10)))
            (local.get $a)))
        (v128.store64_lane 0 (i32.add (local.get $tv) (local.get $x))
          (i16x8.narrow_i32x4_s
            (local.tee $a (i32x4.shr_s
              (i32x4.add
                (i32x4.add
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (local.tee $a (i32x4.dot_i16x8_s (local.get $q0) (v128.const i16x8 14392 -12051 -2341 0 14392 -12051 -2341 0)))
                    (local.tee $b (i32x4.dot_i16x8_s (local.get $q1) (v128.const i16x8 14392 -12051 -2341 0 14392 -12051 -2341 0))))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
                (i32x4.splat (i32.const 512)))
              (i32.const 10)))
            (local.get $a)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $chunk)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $yrow)))
    ;; Pass 2, per chroma row: the eight rows around its centre, eight columns at a time.
    (local.set $u (i32.add (local.get $dst) (i32.mul (local.get $w) (local.get $h))))
    (local.set $v (i32.add (local.get $u) (i32.mul (local.get $cw) (local.get $ch))))
    (local.set $y (i32.const 0))
    (block $cdone (loop $crow
      (br_if $cdone (i32.ge_u (local.get $y) (local.get $ch)))
      (local.set $r (i32.shl (local.get $y) (i32.const 1)))
      (local.set $t0 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const -3))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t1 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const -2))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t2 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const -1))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t3 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const 0))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t4 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const 1))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t5 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const 2))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t6 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const 3))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $t7 (i32.add (local.get $tmp) (i32.mul (local.get $cw2)
        (select (i32.const 0) (select (local.get $lastrow) (local.tee $k (i32.add (local.get $r) (i32.const 4))) (i32.gt_s (local.get $k) (local.get $lastrow))) (i32.lt_s (local.get $k) (i32.const 0))))))
      (local.set $x (i32.const 0))
      (block $vdone (loop $vchunk
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $cw2)))
        (if (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $cw2)) (then (local.set $x (i32.sub (local.get $cw2) (i32.const 16)))))
        ;; x: the scratch row's byte; c: the plane's.
        (local.set $c (i32.add (i32.mul (local.get $y) (local.get $cw)) (i32.shr_u (local.get $x) (i32.const 1))))
        (v128.store64_lane 0 (i32.add (local.get $u) (local.get $c))
          (i8x16.narrow_i16x8_u
            (local.tee $a (i16x8.shr_s
              (i16x8.add (i16x8.splat (i32.const 8224)) ;; 128 << 6 plus a half
              (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t0) (local.get $x))) (v128.const i16x8 -461 -461 -461 -461 -461 -461 -461 -461))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t1) (local.get $x))) (v128.const i16x8 -1382 -1382 -1382 -1382 -1382 -1382 -1382 -1382)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t2) (local.get $x))) (v128.const i16x8 3942 3942 3942 3942 3942 3942 3942 3942)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t3) (local.get $x))) (v128.const i16x8 14285 14285 14285 14285 14285 14285 14285 14285)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t4) (local.get $x))) (v128.const i16x8 14285 14285 14285 14285 14285 14285 14285 14285)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t5) (local.get $x))) (v128.const i16x8 3942 3942 3942 3942 3942 3942 3942 3942)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t6) (local.get $x))) (v128.const i16x8 -1382 -1382 -1382 -1382 -1382 -1382 -1382 -1382)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $t7) (local.get $x))) (v128.const i16x8 -461 -461 -461 -461 -461 -461 -461 -461))))
              (i32.const 6)))
            (local.get $a)))
        (local.set $at (i32.mul (local.get $h) (local.get $cw2)))
        (v128.store64_lane 0 (i32.add (local.get $v) (local.get $c))
          (i8x16.narrow_i16x8_u
            (local.tee $a (i16x8.shr_s
              (i16x8.add (i16x8.splat (i32.const 8224)) ;; 128 << 6 plus a half
              (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.add (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t0) (local.get $x)))) (v128.const i16x8 -461 -461 -461 -461 -461 -461 -461 -461))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t1) (local.get $x)))) (v128.const i16x8 -1382 -1382 -1382 -1382 -1382 -1382 -1382 -1382)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t2) (local.get $x)))) (v128.const i16x8 3942 3942 3942 3942 3942 3942 3942 3942)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t3) (local.get $x)))) (v128.const i16x8 14285 14285 14285 14285 14285 14285 14285 14285)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t4) (local.get $x)))) (v128.const i16x8 14285 14285 14285 14285 14285 14285 14285 14285)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t5) (local.get $x)))) (v128.const i16x8 3942 3942 3942 3942 3942 3942 3942 3942)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t6) (local.get $x)))) (v128.const i16x8 -1382 -1382 -1382 -1382 -1382 -1382 -1382 -1382)))
              (i16x8.q15mulr_sat_s (v128.load (i32.add (local.get $at) (i32.add (local.get $t7) (local.get $x)))) (v128.const i16x8 -461 -461 -461 -461 -461 -461 -461 -461))))
              (i32.const 6)))
            (local.get $a)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vchunk)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $crow))))
)
