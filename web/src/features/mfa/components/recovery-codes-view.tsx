import { useState } from 'react';

/** Saves the codes as a text file through a temporary object URL (no inline script: CSP-safe). */
function download(codes: string[]) {
  const text = `Tasktalk recovery codes\nEach code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'tasktalk-recovery-codes.txt';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** The 10 recovery codes, shown once, with copy and download. */
export function RecoveryCodesView({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="new-token recovery-codes" role="status">
      <p>
        <strong>Save these recovery codes now.</strong> They are shown only once. Each one signs you in once if you lose
        your phone.
      </p>
      <ul className="code-list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="row">
        <button
          type="button"
          className="small"
          onClick={async () => {
            await navigator.clipboard?.writeText(codes.join('\n'));
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="small" onClick={() => download(codes)}>
          Download
        </button>
        <button type="button" className="primary small" onClick={onDone}>
          I saved them
        </button>
      </div>
    </div>
  );
}
