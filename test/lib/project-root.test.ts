import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/lib/project-root.js';

describe('projectRoot', () => {
  it('is the folder holding package.json, from src/ as from a bundle in dist/', () => {
    const root = mkdtempSync(join(tmpdir(), 'root-'));
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    expect(projectRoot(join(root, 'src', 'lib'))).toBe(root);
    expect(projectRoot(join(root, 'dist'))).toBe(root);
  });

  it('is this checkout by default', () => {
    expect(projectRoot()).toBe(join(import.meta.dirname, '..', '..'));
  });

  it('throws when no folder above has a package.json', () => {
    expect(() => projectRoot('/')).toThrow(/no package.json/);
  });
});
