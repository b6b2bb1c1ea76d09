import type { Command } from '../command.js';
import { backupCommand } from './backup.js';
import { critiqueCommand, critiqueRemoveCommand, critiqueSweepCommand } from './critique.js';
import { demoCommand } from './demo.js';
import { exportAnalysisCommands } from './export-analysis.js';
import { exportLabelStudioCommand, exportProdigyCommand, exportSarifCommand, exportTrainingCommand, exportW3cCommand } from './export-interop.js';
import { exportReviewsCommand } from './export-reviews.js';
import { exportTasksCommand } from './export-tasks.js';
import { importCommand } from './import.js';
import { metricsCommand } from './metrics.js';
import { packExportCommand, packImportCommand } from './pack.js';
import { resultsExportCommand, resultsImportCommand } from './results.js';
import { serveCommand } from './serve.js';
import { profilesListCommand, profilesRemoveCommand } from './profiles.js';
import {
  studyArchiveCommand,
  studyCheckCommand,
  studyCloseCommand,
  studyCreateCommand,
  studyDeleteCommand,
  studyListCommand,
  studyPlanCommand,
  studyShowCommand,
  studyUnarchiveCommand,
} from './study.js';
import { tasksDeleteCommand } from './tasks.js';

/** The one table of CLI commands. Add a command here and nowhere else. */
export const commands: readonly Command[] = [
  serveCommand,
  demoCommand,
  backupCommand,
  importCommand,
  exportTasksCommand,
  exportReviewsCommand,
  tasksDeleteCommand,
  studyCreateCommand,
  studyCheckCommand,
  studyPlanCommand,
  studyListCommand,
  studyShowCommand,
  studyCloseCommand,
  studyArchiveCommand,
  studyUnarchiveCommand,
  studyDeleteCommand,
  profilesListCommand,
  profilesRemoveCommand,
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
  exportSarifCommand,
  exportTrainingCommand,
];
