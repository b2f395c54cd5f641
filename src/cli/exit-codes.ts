/** @module The CLI's exit codes: one meaning each, the same for every command. */
export const EXIT_OK = 0;
/** The thing checked is not conformant (a FAIL, or an error-severity contract finding). */
export const EXIT_NONCONFORMANT = 1;
/** Unusable input: a missing file, an unreachable URL, an unknown environment, bad arguments. */
export const EXIT_USAGE = 2;
