/** @module The condition every illegal-move test uses: the response of a matrix cell is exactly the oracle's refusal. */
import type { Cell } from '../cells.ts';
import { condition, type ResponseLike } from '../condition.ts';
import { authRefusalResult, brokerErrorResult, brokerTextErrorResult } from './responses.ts';

export const RefusedCellAnswersExactly = condition<{ cell: Cell; response: ResponseLike }>('RefusedCellAnswersExactly', 'NEG-CELL-001', '§2, §4.3', ({ cell, response }) => {
  const o = cell.outcome;
  const result = o.layer === 'auth' ? authRefusalResult(response, o.status) : o.render === 'text' ? brokerTextErrorResult(response, o.error) : brokerErrorResult(response, o.error);
  return { ...result, message: `${cell.key}: ${result.message} (${o.why})` };
});
