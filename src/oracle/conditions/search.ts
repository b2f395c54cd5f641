/** @module Conditions on search results (§6). */
import { compare, condition, type ResponseLike } from '../condition.ts';

export const SEARCH_RESULT_CAP = 100;

/**
 * SEARCH-014: with more than 100 matching transfers (`matching` of them are the test's own), search answers
 * exactly 100 ids. Other transfers in the same window only add matches, so the count stays the verdict.
 */
export function searchIsCapped(matching: number) {
  return condition<ResponseLike>('SearchAnswersAtMost100Ids', 'SEARCH-014', '§6', (res) => {
    const ids = Array.isArray(res.body) ? (res.body as unknown[]) : [];
    return compare(`search over at least ${matching} matching transfers`, {
      status: { expected: 200, actual: res.status },
      count: { expected: SEARCH_RESULT_CAP, actual: Array.isArray(res.body) ? ids.length : typeof res.body },
      distinct: { expected: true, actual: new Set(ids).size === ids.length },
    });
  });
}
