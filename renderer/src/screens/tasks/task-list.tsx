import type { OpOutput } from '../../../../shared/contract/index.js';
import type { Location } from '../../router.js';
import { TaskBrowser } from './task-browser.js';
import { Welcome } from './welcome.js';

interface Props {
  readonly info: OpOutput<'app:info'>;
  readonly location: Location;
  readonly onChanged: () => void;
}

/** The Tasks place: the first-start welcome (open a pack, import, demo) on an empty database, else the task browser. */
export function TaskList({ info, location, onChanged }: Props): React.JSX.Element {
  if (info.taskCount === 0) return <Welcome info={info} onChanged={onChanged} />;
  return <TaskBrowser location={location} total={info.taskCount} onChanged={onChanged} />;
}
