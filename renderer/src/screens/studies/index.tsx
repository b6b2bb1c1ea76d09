import type { Location } from '../../router.js';
import { CreateStudy } from './create-study.js';
import { StudiesOverview } from './overview.js';
import { StudyDetailView } from './study-detail.js';
import './studies.css';

/**
 * Studies: the researcher's studies (create, assignment matrix, progress) and offline packs.
 * `onChanged` tells the app frame that the database changed (an opened pack adds tasks).
 */
export function StudiesScreen({ location, onChanged }: { readonly location: Location; readonly onChanged?: () => void }): React.JSX.Element {
  const [first] = location.params;
  if (first === 'new') return <CreateStudy />;
  if (first !== undefined) return <StudyDetailView key={first} name={first} />;
  return <StudiesOverview onChanged={onChanged} />;
}
