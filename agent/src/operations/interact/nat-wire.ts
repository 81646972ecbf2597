/**
 * What a running NAT 1.9 server sends, as schemas: WebSocket messages, the
 * records of `/v1/workflow/full`, and the HTTP answers. Loose objects, so a
 * newer NAT that adds fields still parses; every frame is parsed here before
 * it is used.
 */
import { z } from "zod";

/** NAT's `Error` model, sent as `error_message` content and as a bare line in streams. */
export const NatError = z.looseObject({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type NatError = z.infer<typeof NatError>;

const WsBase = { id: z.string().nullish(), parent_id: z.string().nullish(), conversation_id: z.string().nullish() };

export const WsIntermediate = z.looseObject({
  ...WsBase,
  type: z.literal("system_intermediate_message"),
  content: z.looseObject({ name: z.string().nullish(), payload: z.string().nullish() }),
  status: z.string().nullish(),
  timestamp: z.string().nullish(),
});
export type WsIntermediate = z.infer<typeof WsIntermediate>;

export const WsResponse = z.looseObject({
  ...WsBase,
  type: z.literal("system_response_message"),
  // chat schemas send {text}; generate schemas send the output model, e.g. {value}.
  content: z.looseObject({ text: z.string().nullish(), value: z.unknown().optional() }),
  status: z.string(),
});

/** One choice of NAT's HumanPrompt; a binary choice's value may be any JSON. */
export const NatPromptOption = z.looseObject({
  id: z.string().nullish(),
  label: z.string().nullish(),
  value: z.unknown().optional(),
  description: z.string().nullish(),
});

/** NAT's HumanPrompt (nat/data_models/interactive.py), discriminated by input_type. */
export const NatHumanPrompt = z.looseObject({
  input_type: z.string(),
  text: z.string().nullish(),
  timeout: z.number().positive().nullish(),
  error: z.string().nullish(),
  placeholder: z.string().nullish(),
  required: z.boolean().nullish(),
  options: z.array(NatPromptOption).nullish(),
});
export type NatHumanPrompt = z.infer<typeof NatHumanPrompt>;

export const WsInteraction = z.looseObject({
  ...WsBase,
  type: z.literal("system_interaction_message"),
  thread_id: z.string().nullish(),
  content: NatHumanPrompt,
});
export type WsInteraction = z.infer<typeof WsInteraction>;

export const WsErrorMessage = z.looseObject({ ...WsBase, type: z.literal("error_message"), content: NatError });

/** Any server message: its type decides whether this client reads it. */
export const WsTyped = z.looseObject({ type: z.string() });

/** Server messages this client acts on; others (auth, observability trace ids) are ignored. */
export const WsServerMessage = z.discriminatedUnion("type", [
  WsIntermediate,
  WsResponse,
  WsInteraction,
  WsErrorMessage,
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;

/** One `intermediate_data:` record of `/v1/workflow/full`; `payload` is a JSON string of the step payload. */
export const FullStreamStep = z.looseObject({
  id: z.string(),
  parent_id: z.string().nullish(),
  type: z.string(),
  name: z.string().nullish(),
  payload: z.unknown(),
});
export type FullStreamStep = z.infer<typeof FullStreamStep>;

/** NAT's IntermediateStepPayload, the fields timing and token usage come from. */
export const StepPayload = z.looseObject({
  event_type: z.string().nullish(),
  event_timestamp: z.number().nullish(),
  span_event_timestamp: z.number().nullish(),
  usage_info: z
    .looseObject({
      token_usage: z
        .looseObject({
          prompt_tokens: z.number().int().default(0),
          completion_tokens: z.number().int().default(0),
          total_tokens: z.number().int().default(0),
        })
        .nullish(),
    })
    .nullish(),
});

/** `data:` records: the workflow's output, `{"value": ...}` for string outputs. */
export const DataRecord = z.looseObject({ value: z.unknown().optional() });

export const ObservabilityRecord = z.looseObject({ observability_trace_id: z.string() });

export const ChatCompletion = z.looseObject({
  choices: z
    .array(z.looseObject({ message: z.looseObject({ content: z.string().nullish() }) }))
    .min(1, "NAT returned no choices"),
});

export const GenerateAnswer = z.looseObject({ value: z.unknown() });
