/**
 * Illegal moves: for every situation of the oracle's matrix (state × how it was reached) the suite
 * builds one transfer, then tries every refused (operation × actor) cell on it and checks the exact
 * status, `BRO-000NN` code and detail (or the auth layer's empty 401/403) — and that the refusals
 * changed nothing. Each verdict carries its cell key (`Published|upload|sender`).
 */
import { expect, test } from '../../fixtures/index.ts';
import { callOperation } from '../../fixtures/cells.ts';
import type { BrokerClient } from '../../src/client/index.ts';
import { ACTOR_SCOPES, condition, ILLEGAL_CELLS, skip, RefusalChangedNothing, RefusedCellAnswersExactly, SITUATIONS, type Cell, type MatrixActor } from '../../src/oracle/index.ts';

test.describe('illegal moves @negative', () => {
  for (const situation of SITUATIONS) {
    const cells = ILLEGAL_CELLS.filter((c) => c.situation.id === situation.id);
    test(`NEG-CELL-001 ${situation.id}: ${cells.length} refused cells answer exactly (${situation.how})`, async ({ flow: sharedFlow, matrixActors: sharedActors, environment, verify, needs, actors: shared, probes, ownBroker }) => {
      test.skip(!!situation.unholdable, situation.unholdable ?? '');
      for (const n of situation.needs) needs(n);
      // UploadProcessing is held on a Broker of the test's own whose scan waits for the malware webhook;
      // Purged is reached there by moving its clock past the expiry (the shared Broker's clock never moves).
      const ownNeeded = situation.id === 'UploadProcessing' || situation.id === 'Purged';
      const own = ownNeeded ? await ownBroker(situation.id === 'UploadProcessing' ? { scan: 'webhook' } : {}) : undefined;
      if (ownNeeded) test.skip(!own, `${situation.id} is reached on an embedded Broker of the test's own (webhook scan / movable clock)`);
      if (situation.id === 'Purged') {
        const missing = await own!.probes.clockMissing();
        test.fixme(!!missing, missing ?? '');
      }
      const flow = own?.flow ?? sharedFlow;
      const actors = own?.actors ?? shared;
      const matrixActors: Record<MatrixActor, BrokerClient> = own
        ? { sender: actors.sender, recipient: actors.recipient, get outsider() { return actors.outsider; }, anonymous: actors.anonymous }
        : sharedActors;
      if (situation.id.startsWith('Published+')) test.skip(actors.recipients.length < 2, 'needs two recipients');
      if (situation.id === 'UploadStarted') {
        const missing = await probes.tusMissing();
        test.fixme(!!missing, `${missing}; UploadStarted can only be held through TUS create`);
      }
      const scopesOf = (a: MatrixActor) => {
        const cfg = a === 'sender' ? environment.actors.sender : a === 'recipient' ? environment.actors.recipients[0] : a === 'outsider' ? environment.actors.outsider : undefined;
        return cfg && 'scopes' in cfg.token ? cfg.token.scopes : undefined;
      };
      const tusMissing = cells.some((c) => c.operation === 'tusCreate') ? await probes.tusMissing() : undefined;
      const usable = (c: Cell): string | undefined => {
        if (c.operation === 'tusCreate' && tusMissing) return tusMissing;
        if (c.actor === 'outsider' && !environment.actors.outsider) return 'environment has no outsider actor';
        const scopes = scopesOf(c.actor);
        if (scopes && JSON.stringify([...scopes].sort()) !== JSON.stringify([...ACTOR_SCOPES[c.actor]].sort())) return `actor ${c.actor} has scopes ${scopes.join(' ')}, the oracle assumes ${ACTOR_SCOPES[c.actor].join(' ')}`;
        return undefined;
      };

      let id: string;
      if (situation.id === 'Purged') {
        id = (await flow.published()).id;
        expect(await own!.probes.advanceClock('P31D'), 'setup: clock advance').toBeLessThan(300);
        expect((await flow.waitForStatus(id, ['Purged'])).value?.fileTransferStatus, 'setup: expiry purge').toBe('Purged');
      } else {
        id = await flow.inSituation(situation);
      }
      const before = situation.state === 'none' ? undefined : await flow.details(id);
      let probed = 0;
      for (const cell of cells) {
        const unusable = usable(cell);
        if (unusable) {
          test.info().annotations.push({ type: 'skipped-cell', description: `${cell.key}: ${unusable}` });
          verify(condition('CellNotProbed', cell.requirement, '§2', () => skip(unusable)), undefined, { cell: cell.key });
          continue;
        }
        const res = await callOperation(matrixActors[cell.actor], cell.operation, id);
        verify(RefusedCellAnswersExactly, { cell, response: res }, { cell: cell.key, cite: [cell.requirement] });
        probed++;
      }
      if (before) verify(RefusalChangedNothing, { before, after: await flow.details(id) });
      expect(probed, 'at least one cell probed').toBeGreaterThan(0);
    });
  }
});
