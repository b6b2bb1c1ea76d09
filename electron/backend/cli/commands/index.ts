import type { Command } from '../command.js';
import { backupCommand } from './backup.js';
import { critiqueCommand, critiqueRemoveCommand, critiqueSweepCommand } from './critique.js';
import { demoCommand } from './demo.js';
import { exportAnalysisCommands } from './export-analysis.js';
import { exportLabelStudioCommand, exportProdigyCommand, exportTrainingCommand, exportW3cCommand } from './export-interop.js';
import { exportReviewsCommand } from './export-reviews.js';
import { exportTasksCommand } from './export-tasks.js';
import { importCommand } from './import.js';
import { metricsCommand } from './metrics.js';
import { packExportCommand, packImportCommand } from './pack.js';
import { resultsExportCommand, resultsImportCommand } from './results.js';
import { serveCommand } from './serve.js';
import { studyCheckCommand, studyCloseCommand, studyCreateCommand, studyListCommand, studyPlanCommand, studyShowCommand } from './study.js';

/** The one table of CLI commands. Add a command here and nowhere else. */
export const commands: readonly Command[] = [
  serveCommand,
  demoCommand,
  backupCommand,
  importCommand,
  exportTasksCommand,
  exportReviewsCommand,
  studyCreateCommand,
  studyCheckCommand,
  studyPlanCommand,
  studyListCommand,
  studyShowCommand,
  studyCloseCommand,
  packExportCommand,
  packImportCommand,
  resultsExportCommand,
  resultsImportCommand,
  metricsCommand,
  ...exportAnalysisCommands,
  critiqueCommand,
  critiqueSweepCommand,
  critiqueRemoveCommand,
  exportLabelStudioCommand,
  exportProdigyCommand,
  exportW3cCommand,
  exportTrainingCommand,
];
