import { useEffect } from 'react';

/** Each page names itself, so screen reader users know where a navigation landed. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Tasktalk`;
  }, [title]);
}
