import { EXIT_STATUSES } from '../../src/errors.js';
import { commonOptions, docCommands, docEnvironment } from './doc-model.js';
import { markdownCommandOptions, markdownCommonOptions, markdownExitStatus } from './render-markdown.js';
import { manCommandOptions, manCommonOptions, manEnvironment, manExitStatus } from './render-man.js';

/** The generated sections of man/oci-log.1, by marker name. */
export function manSections(): Map<string, string> {
  const sections = new Map<string, string>();
  for (const command of docCommands()) sections.set(`OPTIONS ${command.name}`, manCommandOptions(command));
  sections.set('OPTIONS common', manCommonOptions(commonOptions()));
  sections.set('ENVIRONMENT', manEnvironment(docEnvironment()));
  sections.set('EXIT STATUS', manExitStatus(EXIT_STATUSES));
  return sections;
}

/** The generated sections of README.md, by marker name. */
export function readmeSections(): Map<string, string> {
  const sections = new Map<string, string>();
  for (const command of docCommands()) sections.set(`OPTIONS ${command.name}`, markdownCommandOptions(command));
  sections.set('OPTIONS common', markdownCommonOptions(commonOptions()));
  sections.set('EXIT STATUS', markdownExitStatus(EXIT_STATUSES));
  return sections;
}

/** The files `npm run docs` fills, relative to the repository root, with their sections. */
export const GENERATED_FILES = [
  { path: 'README.md', style: 'markdown', sections: readmeSections },
  { path: 'man/oci-log.1', style: 'roff', sections: manSections },
] as const;
