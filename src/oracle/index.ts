/**
 * @module The oracle: what the Broker must do, as data (states, transitions, the illegal-move
 * matrix, validation rules, the requirement catalogue) and the conditions that judge responses
 * against it. Written from the Broker's source and observed behaviour, never from the local Broker.
 */
export * from './states.ts';
export * from './errors.ts';
export * from './transitions.ts';
export * from './cells.ts';
export * from './validation.ts';
export * from './requirements.ts';
export * from './waivers.ts';
export * from './known-defects.ts';
export * from './coverage.ts';
export * from './condition.ts';
export * from './conditions/index.ts';
