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

  ;; The draw's constants, for the pixel function below.
  (global $g_src (mut i32) (i32.const 0))
  (global $g_stride (mut i32) (i32.const 0))
  (global $g_umax (mut i32) (i32.const 0))
  (global $g_vmax (mut i32) (i32.const 0))
  (global $g_ou0 (mut i32) (i32.const 0))
  (global $g_ou1 (mut i32) (i32.const 0))
  (global $g_ov0 (mut i32) (i32.const 0))
  (global $g_ov1 (mut i32) (i32.const 0))
  (global $g_iu0 (mut i32) (i32.const 0))
  (global $g_iu1 (mut i32) (i32.const 0))
  (global $g_iv0 (mut i32) (i32.const 0))
  (global $g_iv1 (mut i32) (i32.const 0))
  (global $g_eu0 (mut i32) (i32.const 0))
  (global $g_eu1 (mut i32) (i32.const 0))
  (global $g_ev0 (mut i32) (i32.const 0))
  (global $g_ev1 (mut i32) (i32.const 0))
  (global $g_kx8 (mut i32) (i32.const 0))
  (global $g_ky8 (mut i32) (i32.const 0))
  (global $g_alpha (mut i32) (i32.const 0))
  (global $g_opaque (mut i32) (i32.const 0))

  ;; One pixel near the rectangle's edges or the level's: coverage, clamped taps.
  (func $edge (param $u i32) (param $v i32) (param $out i32)
    (local $a i32) (local $c i32) (local $sa i32) (local $tu i32) (local $tv i32) (local $ui i32) (local $vi i32)
    (local $fx i32) (local $fy i32) (local $addr i32) (local $t v128) (local $b v128) (local $m v128) (local $h v128) (local $d v128)
          (block $skip
            (br_if $skip (i32.or
              (i32.or (i32.lt_s (local.get $u) (global.get $g_ou0)) (i32.ge_s (local.get $u) (global.get $g_ou1)))
              (i32.or (i32.lt_s (local.get $v) (global.get $g_ov0)) (i32.ge_s (local.get $v) (global.get $g_ov1)))))
            (local.set $a (global.get $g_alpha))
            (if (i32.or
                  (i32.or (i32.lt_s (local.get $u) (global.get $g_iu0)) (i32.ge_s (local.get $u) (global.get $g_iu1)))
                  (i32.or (i32.lt_s (local.get $v) (global.get $g_iv0)) (i32.ge_s (local.get $v) (global.get $g_iv1))))
              (then
                ;; Coverage (1/256): the distance to the nearest edge in output px, plus a half.
                (local.set $c (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $u) (global.get $g_eu0)) (i32.const 8)) (global.get $g_kx8)) (i32.const 8)))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (global.get $g_eu1) (local.get $u)) (i32.const 8)) (global.get $g_kx8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (local.get $v) (global.get $g_ev0)) (i32.const 8)) (global.get $g_ky8)) (i32.const 8)))
                (if (i32.lt_s (local.get $sa) (local.get $c)) (then (local.set $c (local.get $sa))))
                (local.set $sa (i32.shr_s (i32.mul (i32.shr_s (i32.sub (global.get $g_ev1) (local.get $v)) (i32.const 8)) (global.get $g_ky8)) (i32.const 8)))
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
            (if (i32.gt_s (local.get $ui) (global.get $g_umax)) (then (local.set $ui (global.get $g_umax)) (local.set $fx (i32.const 255))))
            (if (i32.lt_s (local.get $vi) (i32.const 0)) (then (local.set $vi (i32.const 0)) (local.set $fy (i32.const 0))))
            (if (i32.gt_s (local.get $vi) (global.get $g_vmax)) (then (local.set $vi (global.get $g_vmax)) (local.set $fy (i32.const 255))))
            (local.set $addr (i32.add (global.get $g_src)
              (i32.add (i32.mul (local.get $vi) (global.get $g_stride)) (i32.shl (local.get $ui) (i32.const 2)))))
            (local.set $t (i16x8.extend_low_i8x16_u (v128.load64_zero (local.get $addr))))
            (local.set $b (i16x8.extend_low_i8x16_u (v128.load64_zero (i32.add (local.get $addr) (global.get $g_stride)))))
            (local.set $m (i16x8.add (local.get $t)
              (i16x8.q15mulr_sat_s (i16x8.sub (local.get $b) (local.get $t))
                (i16x8.splat (i32.shl (local.get $fy) (i32.const 7))))))
            (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m)))
            (local.set $m (i16x8.add (local.get $m)
              (i16x8.q15mulr_sat_s (i16x8.sub (local.get $h) (local.get $m))
                (i16x8.splat (i32.shl (local.get $fx) (i32.const 7))))))
            (if (i32.and (global.get $g_opaque) (i32.eq (local.get $a) (i32.const 32768)))
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
  )

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
    (global.set $g_src (local.get $src))
    (global.set $g_stride (local.get $stride))
    (global.set $g_umax (local.get $umax))
    (global.set $g_vmax (local.get $vmax))
    (global.set $g_ou0 (local.get $ou0))
    (global.set $g_ou1 (local.get $ou1))
    (global.set $g_ov0 (local.get $ov0))
    (global.set $g_ov1 (local.get $ov1))
    (global.set $g_iu0 (local.get $iu0))
    (global.set $g_iu1 (local.get $iu1))
    (global.set $g_iv0 (local.get $iv0))
    (global.set $g_iv1 (local.get $iv1))
    (global.set $g_eu0 (local.get $eu0))
    (global.set $g_eu1 (local.get $eu1))
    (global.set $g_ev0 (local.get $ev0))
    (global.set $g_ev1 (local.get $ev1))
    (global.set $g_kx8 (local.get $kx8))
    (global.set $g_ky8 (local.get $ky8))
    (global.set $g_alpha (local.get $alpha))
    (global.set $g_opaque (local.get $opaque))
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
          (call $edge (local.get $u) (local.get $v) (local.get $out))
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
          (call $edge (local.get $u) (local.get $v) (local.get $out))
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

;; The frame as yuv420p for x264 (BT.601, limited range, as ffmpeg's swscale converts RGBA):
  ;; the w x h RGBA frame at src (w, h even, w >= 8) to the Y, U and V planes at dst. Chroma
  ;; is sited at the centre of each 2x2 block, as swscale's: the pair of columns averaged, the
  ;; rows filtered 1-3-3-1 (swscale's bicubic 2:1, less its small negative lobes). One pass
  ;; over pairs of rows: four chroma pixels (and the eight luma pixels above each) at a time,
  ;; the last chunk of a row ending at its end (overlapping the one before). Coefficients:
  ;; 2^15 (2^19 for the 16 pixels a chroma sum holds) times 219/255 (224/255) of BT.601's.
  (func (export "yuv420") (param $src i32) (param $w i32) (param $h i32) (param $dst i32)
    (local $x i32) (local $x2 i32) (local $at i32) (local $j i32) (local $cw i32) (local $ch i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $y1 i32) (local $y2 i32) (local $u i32) (local $v i32)
    (local $p00 v128) (local $p01 v128) (local $p10 v128) (local $p11 v128)
    (local $p20 v128) (local $p21 v128) (local $p30 v128) (local $p31 v128)
    (local $q0 v128) (local $q1 v128) (local $a v128) (local $b v128)
    (local.set $cw (i32.shr_u (local.get $w) (i32.const 1)))
    (local.set $ch (i32.shr_u (local.get $h) (i32.const 1)))
    (local.set $j (i32.const 0))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $j) (local.get $ch)))
      ;; Rows 2j and 2j + 1 (luma and chroma), and the rows either side (chroma), clamped.
      (local.set $r1 (i32.shl (local.get $j) (i32.const 1)))
      (local.set $r2 (i32.add (local.get $r1) (i32.const 1)))
      (local.set $y1 (i32.add (local.get $dst) (i32.mul (local.get $r1) (local.get $w))))
      (local.set $y2 (i32.add (local.get $y1) (local.get $w)))
      (local.set $r0 (select (i32.sub (local.get $r1) (i32.const 1)) (i32.const 0) (local.get $j)))
      (local.set $r3 (select (i32.add (local.get $r2) (i32.const 1)) (local.get $r2) (i32.lt_u (i32.add (local.get $r2) (i32.const 1)) (local.get $h))))
      (local.set $r0 (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r0) (local.get $w)) (i32.const 2))))
      (local.set $r1 (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r1) (local.get $w)) (i32.const 2))))
      (local.set $r2 (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r2) (local.get $w)) (i32.const 2))))
      (local.set $r3 (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r3) (local.get $w)) (i32.const 2))))
      (local.set $u (i32.add (i32.add (local.get $dst) (i32.mul (local.get $w) (local.get $h))) (i32.mul (local.get $j) (local.get $cw))))
      (local.set $v (i32.add (local.get $u) (i32.mul (local.get $cw) (local.get $ch))))
      (local.set $x (i32.const 0))
      (block $xdone (loop $chunk
        (br_if $xdone (i32.ge_u (local.get $x) (local.get $cw)))
        (if (i32.gt_u (i32.add (local.get $x) (i32.const 4)) (local.get $cw)) (then (local.set $x (i32.sub (local.get $cw) (i32.const 4)))))
        (local.set $x2 (i32.shl (local.get $x) (i32.const 1)))
        (local.set $at (i32.shl (local.get $x) (i32.const 3)))
        (local.set $p00 (v128.load (i32.add (local.get $r0) (local.get $at))))
        (local.set $p01 (v128.load offset=16 (i32.add (local.get $r0) (local.get $at))))
        (local.set $p10 (v128.load (i32.add (local.get $r1) (local.get $at))))
        (local.set $p11 (v128.load offset=16 (i32.add (local.get $r1) (local.get $at))))
        (local.set $p20 (v128.load (i32.add (local.get $r2) (local.get $at))))
        (local.set $p21 (v128.load offset=16 (i32.add (local.get $r2) (local.get $at))))
        (local.set $p30 (v128.load (i32.add (local.get $r3) (local.get $at))))
        (local.set $p31 (v128.load offset=16 (i32.add (local.get $r3) (local.get $at))))
        (v128.store64_lane 0 (i32.add (local.get $y1) (local.get $x2))
          (i8x16.narrow_i16x8_u (local.tee $a (i16x8.narrow_i32x4_s
            (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (local.tee $a (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $p10)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0)))
                  (local.tee $b (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $p10)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0))))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
              (i32x4.splat (i32.const 540672)))
            (i32.const 15))
            (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (local.tee $a (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $p11)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0)))
                  (local.tee $b (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $p11)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0))))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
              (i32x4.splat (i32.const 540672)))
            (i32.const 15))))
            (local.get $a)))
        (v128.store64_lane 0 (i32.add (local.get $y2) (local.get $x2))
          (i8x16.narrow_i16x8_u (local.tee $a (i16x8.narrow_i32x4_s
            (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (local.tee $a (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $p20)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0)))
                  (local.tee $b (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $p20)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0))))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
              (i32x4.splat (i32.const 540672)))
            (i32.const 15))
            (i32x4.shr_s
            (i32x4.add
              (i32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (local.tee $a (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $p21)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0)))
                  (local.tee $b (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $p21)) (v128.const i16x8 8414 16519 3208 0 8414 16519 3208 0))))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
              (i32x4.splat (i32.const 540672)))
            (i32.const 15))))
            (local.get $a)))
        ;; q0, q1: the 1-3-3-1 sums of column pairs (2x, 2x+1), (2x+2, 2x+3); (2x+4, 2x+5), (2x+6, 2x+7).
        (local.set $q0 (i16x8.add
          (i16x8.add
            (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p00))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p00))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
            (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p30))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p30))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
          (i16x8.mul (i16x8.splat (i32.const 3))
            (i16x8.add
              (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p10))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p10))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
              (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p20))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p20))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))))))
        (local.set $q1 (i16x8.add
          (i16x8.add
            (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p01))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p01))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
            (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p31))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p31))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
          (i16x8.mul (i16x8.splat (i32.const 3))
            (i16x8.add
              (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p11))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p11))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
              (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $a (i16x8.extend_low_i8x16_u (local.get $p21))) (local.tee $b (i16x8.extend_high_i8x16_u (local.get $p21))))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))))))
        (v128.store32_lane 0 (i32.add (local.get $u) (local.get $x))
          (i8x16.narrow_i16x8_u
            (local.tee $a (i16x8.narrow_i32x4_s
              (local.tee $a (i32x4.shr_s
                (i32x4.add
                  (i32x4.add
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                      (local.tee $a (i32x4.dot_i16x8_s (local.get $q0) (v128.const i16x8 -4857 -9535 14392 0 -4857 -9535 14392 0)))
                      (local.tee $b (i32x4.dot_i16x8_s (local.get $q1) (v128.const i16x8 -4857 -9535 14392 0 -4857 -9535 14392 0))))
                    (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
                  (i32x4.splat (i32.const 67371008))) ;; 128 << 19 plus a half
                (i32.const 19)))
              (local.get $a)))
            (local.get $a)))
        (v128.store32_lane 0 (i32.add (local.get $v) (local.get $x))
          (i8x16.narrow_i16x8_u
            (local.tee $a (i16x8.narrow_i32x4_s
              (local.tee $a (i32x4.shr_s
                (i32x4.add
                  (i32x4.add
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                      (local.tee $a (i32x4.dot_i16x8_s (local.get $q0) (v128.const i16x8 14392 -12051 -2341 0 14392 -12051 -2341 0)))
                      (local.tee $b (i32x4.dot_i16x8_s (local.get $q1) (v128.const i16x8 14392 -12051 -2341 0 14392 -12051 -2341 0))))
                    (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
                  (i32x4.splat (i32.const 67371008))) ;; 128 << 19 plus a half
                (i32.const 19)))
              (local.get $a)))
            (local.get $a)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $chunk)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $row))))
)
