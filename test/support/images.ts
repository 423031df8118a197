/** Test pictures made on the fly (nothing binary is committed). */
import sharp from 'sharp';

/** A small picture with a bright subject on a textured background. */
export async function makeTestPng(width = 320, height = 180): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#1d3557"/><stop offset="1" stop-color="#e9c46a"/></linearGradient>
      <pattern id="p" width="16" height="16" patternUnits="userSpaceOnUse">
      <rect width="8" height="8" fill="#ffffff" fill-opacity="0.25"/></pattern></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><rect width="100%" height="100%" fill="url(#p)"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 5}" fill="#e63946"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function makeTestDataUri(width = 320, height = 180): Promise<string> {
  return `data:image/png;base64,${(await makeTestPng(width, height)).toString('base64')}`;
}
