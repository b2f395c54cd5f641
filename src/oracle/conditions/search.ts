/** @module Conditions on search results (§6). */
import { compare, condition, type ResponseLike } from '../condition.ts';

export const SEARCH_RESULT_CAP = 100;

/** SEARCH-013: with more than 100 matching transfers, search answers exactly 100 ids, the newest first by default. */
export function searchIsCapped(matchingIds: readonly string[]) {
  return condition<ResponseLike>('SearchAnswersAtMost100Ids', 'SEARCH-013', '§6', (res) => {
    const ids = Array.isArray(res.body) ? (res.body as unknown[]) : [];
    const mine = new Set(matchingIds);
    return compare(`search with ${matchingIds.length} matching transfers`, {
      status: { expected: 200, actual: res.status },
      count: { expected: SEARCH_RESULT_CAP, actual: ids.length },
      // Every id answered is one of ours (the search is narrowed to them by time); the cap is not met by padding.
      onlyMatching: { expected: true, actual: ids.every((id) => typeof id === 'string' && mine.has(id)) },
    });
  });
}
