/**
 * The ED coding a process uses: the ED coder (loaded on first use: most processes never see an
 * ED batch) and a syndrome engine over the active definitions in the database, rebuilt when a
 * definition is added or activated.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createEdCoder, type EdCoder } from '../coding/ed/index.ts';
import { createSyndromeEngine } from '../coding/ed/syndromes/engine.ts';
import { ensureBuiltinDefinitions, listDefinitions, syndromeSetLabel } from '../store/syndrome-definitions.ts';
import type { EdCoding } from './ed-staging.ts';

export class EdCodingSource {
  private coder: EdCoder | null = null;
  private engine: { syndromes: EdCoding['syndromes']; syndromeSet: string } | null = null;

  /** Writes missing built-in definitions, then builds the engine from what is active. */
  async open(connection: DuckDBConnection): Promise<this> {
    await ensureBuiltinDefinitions(connection);
    await this.reload(connection);
    return this;
  }

  /** Rebuilds the engine from the database's active definitions (after a change). */
  async reload(connection: DuckDBConnection): Promise<void> {
    const definitions = (await listDefinitions(connection)).filter((d) => d.active);
    this.engine = { syndromes: createSyndromeEngine(definitions), syndromeSet: syndromeSetLabel(definitions) };
  }

  current(): EdCoding {
    if (this.engine === null) throw new Error('EdCodingSource used before open()');
    this.coder ??= createEdCoder();
    return { coder: this.coder, ...this.engine };
  }
}
