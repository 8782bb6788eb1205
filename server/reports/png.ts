/**
 * Charts as PNG through resvg. resvg loads no system fonts here (that would depend on what the
 * machine has, and scanning them is slow): it is given DejaVu Sans from Debian's fonts-dejavu-core
 * (installed by .ci/run), and every sans-serif family, system-ui included, resolves to it. Without
 * the font the charts would rasterise with no text at all, so a missing font is an error.
 */
import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

export const FONT_DIRECTORY = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];
export const FONT_FAMILY = 'DejaVu Sans';

/** Pixels per SVG unit: a 720-unit chart becomes 1,440 pixels wide, sharp in print and slides. */
export const PNG_SCALE = 2;

export class MissingFontError extends Error {
  override name = 'MissingFontError';
}

export function fontFiles(directory = FONT_DIRECTORY): string[] {
  const files = FONT_FILES.map((file) => `${directory}/${file}`);
  const missing = files.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new MissingFontError(`PNG charts need the DejaVu Sans fonts (${missing.join(', ')} not found): apt-get install fonts-dejavu-core`);
  }
  return files;
}

export function svgToPng(svg: string, options: { scale?: number; fonts?: string[] } = {}): { png: Buffer; width: number; height: number } {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? PNG_SCALE },
    font: {
      loadSystemFonts: false,
      fontFiles: options.fonts ?? fontFiles(),
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
