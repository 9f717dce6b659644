import { TASK_PRIORITIES, TASK_SORTS, type TaskPage } from '@contracts/tasks';
import type { TaskFilters } from '../api/list-tasks.js';

const STATUSES = [
  { value: 'all', label: 'All', count: 'total' },
  { value: 'pending', label: 'Pending', count: 'pending' },
  { value: 'completed', label: 'Done', count: 'completed' },
] as const;

const SORT_LABELS: Record<(typeof TASK_SORTS)[number], string> = {
  created: 'Newest',
  updated: 'Recently changed',
  title: 'Title',
  due_date: 'Due date',
  priority: 'Priority',
};

interface Props {
  filters: TaskFilters;
  search: string;
  counts: TaskPage['counts'] | undefined;
  onSearch(value: string): void;
  onChange(next: TaskFilters): void;
}

export function TaskFiltersBar({ filters, search, counts, onSearch, onChange }: Props) {
  const status = filters.status ?? 'all';
  return (
    <div className="filters">
      <fieldset className="segmented">
        <legend className="visually-hidden">Show</legend>
        {STATUSES.map((s) => (
          <label key={s.value} className={status === s.value ? 'selected' : ''}>
            <input
              type="radio"
              name="status"
              value={s.value}
              checked={status === s.value}
              onChange={() => onChange({ ...filters, status: s.value })}
            />
            {s.label}
            {counts && <span className="count">{counts[s.count]}</span>}
          </label>
        ))}
      </fieldset>
      <div className="field grow">
        <label htmlFor="task-search">Search</label>
        <input
          id="task-search"
          type="search"
          value={search}
          placeholder="Title or description"
          onChange={(e) => onSearch(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="task-priority">Priority</label>
        <select
          id="task-priority"
          value={filters.priority ?? ''}
          onChange={(e) => {
            const { priority: _drop, ...rest } = filters;
            const value = e.target.value as TaskFilters['priority'] | '';
            onChange(value ? { ...rest, priority: value } : rest);
          }}
        >
          <option value="">Any</option>
          {TASK_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="task-sort">Sort by</label>
        <select
          id="task-sort"
          value={filters.sort ?? 'created'}
          onChange={(e) => {
            const { order: _drop, ...rest } = filters;
            onChange({ ...rest, sort: e.target.value as TaskFilters['sort'] });
          }}
        >
          {TASK_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="ghost order"
        onClick={() => onChange({ ...filters, order: filters.order === 'asc' ? 'desc' : 'asc' })}
        aria-label={`Order: ${filters.order === 'asc' ? 'ascending' : filters.order === 'desc' ? 'descending' : 'default'}. Switch order`}
      >
        {filters.order === 'asc' ? '↑ Asc' : filters.order === 'desc' ? '↓ Desc' : '↕ Order'}
      </button>
    </div>
  );
}
