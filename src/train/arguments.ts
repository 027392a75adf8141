import { ConfigReader } from '../util/configReader.ts';

export const SCHEDULERS = ['linear', 'cosine', 'constant', 'constant_with_warmup'] as const;
/**
 * `adamw_torch`: torch.optim.AdamW (HF's default); `adamw_scale`: AdamW whose step for each tensor is
 * scaled by the tensor's RMS (nanoT5's AdamWScale, Adafactor's scale_parameter), what T5 needs.
 */
export const OPTIMIZERS = ['adamw_torch', 'adamw_scale'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type SchedulerType = (typeof SCHEDULERS)[number];

/** The subset of transformers' TrainingArguments we implement, with its names and defaults. */
export interface TrainingArguments {
  output_dir: string;
  /**
   * Start fresh in an output_dir that holds another run: delete the checkpoints and files the trainer
   * wrote there (never anything else) instead of refusing (HF's name).
   */
  overwrite_output_dir: boolean;
  num_train_epochs: number;
  /** > 0 overrides num_train_epochs (HF semantics). */
  max_steps: number;
  per_device_train_batch_size: number;
  per_device_eval_batch_size: number;
  gradient_accumulation_steps: number;
  learning_rate: number;
  weight_decay: number;
  adam_beta1: number;
  adam_beta2: number;
  adam_epsilon: number;
  max_grad_norm: number;
  lr_scheduler_type: SchedulerType;
  warmup_steps: number;
  warmup_ratio: number;
  logging_steps: number;
  /** Evaluate every N optimizer steps when an eval set is given (0 = only at the end). */
  eval_steps: number;
  /** Checkpoint every N optimizer steps (0 = only at the end). */
  save_steps: number;
  save_total_limit: number;
  seed: number;
  /** Stop after this many evaluations without improving eval loss (0 = off). */
  early_stopping_patience: number;
  early_stopping_threshold: number;
  /** Maximum sequence length (longer examples are truncated by the data layer, counted). */
  max_seq_length: number;
  optim: OptimizerName;
  /** Batches of similar lengths (HF's LengthGroupedSampler), so padding does not dominate short examples. */
  group_by_length: boolean;
}

export function parseTrainingArguments(raw: Record<string, unknown>, where = 'training arguments'): TrainingArguments {
  const c = new ConfigReader(raw, where, { nullIsDefault: false });
  const args: TrainingArguments = {
    output_dir: c.str('output_dir', 'runs/train')!,
    overwrite_output_dir: c.bool('overwrite_output_dir', false),
    num_train_epochs: c.num('num_train_epochs', 3, { min: 0, exclusiveMin: true }),
    max_steps: c.int('max_steps', -1, -1),
    per_device_train_batch_size: c.int('per_device_train_batch_size', 8, 1),
    per_device_eval_batch_size: c.int('per_device_eval_batch_size', 8, 1),
    gradient_accumulation_steps: c.int('gradient_accumulation_steps', 1, 1),
    learning_rate: c.num('learning_rate', 5e-5, { min: 0 }),
    weight_decay: c.num('weight_decay', 0, { min: 0 }),
    adam_beta1: c.num('adam_beta1', 0.9, { min: 0, max: 1 }),
    adam_beta2: c.num('adam_beta2', 0.999, { min: 0, max: 1 }),
    adam_epsilon: c.num('adam_epsilon', 1e-8, { min: 0 }),
    max_grad_norm: c.num('max_grad_norm', 1, { min: 0 }),
    lr_scheduler_type: c.oneOf('lr_scheduler_type', SCHEDULERS, 'linear'),
    warmup_steps: c.int('warmup_steps', 0, 0),
    warmup_ratio: c.num('warmup_ratio', 0, { min: 0, max: 1 }),
    logging_steps: c.int('logging_steps', 10, 1),
    eval_steps: c.int('eval_steps', 0, 0),
    save_steps: c.int('save_steps', 0, 0),
    save_total_limit: c.int('save_total_limit', 2, 1),
    seed: c.int('seed', 42, 0),
    early_stopping_patience: c.int('early_stopping_patience', 0, 0),
    early_stopping_threshold: c.num('early_stopping_threshold', 0, { min: 0 }),
    max_seq_length: c.int('max_seq_length', 256, 2),
    group_by_length: c.bool('group_by_length', false),
    optim: c.oneOf('optim', OPTIMIZERS, 'adamw_torch'),
  };
  c.rejectUnknown();
  return args;
}
