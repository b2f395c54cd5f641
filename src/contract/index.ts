/** @module The contract layer: load, lint, repair, compile, and check responses. */
export { ContractLoadError, loadContract, parseContract, type LoadedContract } from './load.ts';
export { lintContract, type LintReport } from './lint.ts';
export { repairDocument, detectDefects } from './defects.ts';
export { compileContract, type CompiledContract, type ContractRole, type OperationContract, type ResponseContract } from './compile.ts';
export { allChecks, checkResponse, enabledChecks, registerCheck, type CheckResult, type ExchangeView, type ResponseCheck } from './checks.ts';
export { describeResponseFinding, type ContractFinding, type ResponseFinding, type Verdict } from './findings.ts';
export { prepareContract, prepareContractSet, REFERENCE_CONTRACT_PATH, type PreparedContract } from './contract-set.ts';
export { CHANGE_IDS, diffDocuments, type ChangeId, type ContractChange, type ContractDiff } from './diff.ts';
export { diffContractSources, explain, loadExplanations, SERVED_EXPLANATIONS_PATH, type ExplanationRule } from './contract-diff.ts';
export { obtainServedContract, servedContractPlan, type ServedContractPlan } from './served-contract.ts';
