import { useEffect, useMemo, useState } from 'react';
import { loadStrengthEstimator, type PasswordStrength, type StrengthEstimator } from './password-rules.js';

/**
 * zxcvbn's estimate of `password`, or null while the estimator (a lazy chunk) is
 * loading or the field is empty. Loading starts when a password field mounts.
 */
export function usePasswordStrength(password: string): PasswordStrength | null {
  const [estimate, setEstimate] = useState<StrengthEstimator | null>(null);
  useEffect(() => {
    let live = true;
    loadStrengthEstimator().then(
      (fn) => live && setEstimate(() => fn),
      () => {}, // offline or a failed chunk: the checklist stays pending, the server still decides
    );
    return () => {
      live = false;
    };
  }, []);
  return useMemo(() => (estimate && password ? estimate(password) : null), [estimate, password]);
}
