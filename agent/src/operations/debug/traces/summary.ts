/** The numbers a trace list shows without opening the steps: counts by type, LLM calls, tokens, time. */
import type { IntermediateStep, Json } from "@att/shared";

export function summarizeSteps(steps: readonly IntermediateStep[], durationMs: number | null): { [key: string]: Json } {
  const byType: { [type: string]: Json } = {};
  let llmStarts = 0;
  let llmEnds = 0;
  const tokens = { prompt: 0, completion: 0, total: 0 };
  let reported = false;
  for (const step of steps) {
    const seen = byType[step.type];
    byType[step.type] = (typeof seen === "number" ? seen : 0) + 1;
    if (step.type === "LLM_START") llmStarts += 1;
    if (step.type === "LLM_END") llmEnds += 1;
    // NAT reports an LLM call's usage on its end step; counting other steps too would count it twice.
    if (step.tokens !== null && step.type === "LLM_END") {
      reported = true;
      tokens.prompt += step.tokens.prompt;
      tokens.completion += step.tokens.completion;
      tokens.total += step.tokens.total;
    }
  }
  return {
    steps: steps.length,
    byType,
    llmCalls: Math.max(llmStarts, llmEnds),
    tokens: reported ? tokens : null,
    durationMs,
  };
}
