import { TasksView } from '../../features/tasks/components/tasks-view.js';
import { useTitle } from '../../lib/use-title.js';

export function TasksPage() {
  useTitle('Tasks');
  return (
    <div className="page narrow">
      <h1>Tasks</h1>
      <TasksView />
    </div>
  );
}
