import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fillSections } from './fill-sections.js';
import { GENERATED_FILES } from './sections.js';

/**
 * `npm run docs`: fills the generated sections of README.md and the man page
 * from the option tables and the exit statuses. Run from the built code
 * (dist/test/docs/generate.js); the repository root is three levels up.
 */
const root = new URL('../../../', import.meta.url);
for (const file of GENERATED_FILES) {
  const path = fileURLToPath(new URL(file.path, root));
  const before = readFileSync(path, 'utf8');
  const after = fillSections(before, file.style, file.sections(), file.path);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated ${file.path}`);
  } else {
    console.log(`${file.path} is up to date`);
  }
}
