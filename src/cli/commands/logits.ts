import { tf } from '../../engine/tf.ts';
import { int32Matrix } from '../../engine/int32Matrix.ts';
import { initBackend } from '../../engine/backend.ts';
import { UserError } from '../../util/errors.ts';
import { DenseArray, printJsonStreamed, requireString, type Command } from '../command.ts';
import { positionLimit } from '../../models/registry.ts';
import { readInputFile } from '../inputs.ts';
import { loadModelForCli } from '../loadModel.ts';

export const command: Command = {
  name: 'logits',
  summary: 'forward pass: print logits for input ids',
  usage: 'peft-lab logits --model DIR [--adapter DIR] --input FILE.json   (prints {"logits": [B][T][V]})',
  options: { model: { type: 'string' }, adapter: { type: 'string' }, input: { type: 'string' } },
  async run(values) {
    await initBackend();
    const model = await loadModelForCli(requireString(values, 'model', 'logits'), values.adapter as string | undefined);
    const inp = readInputFile(requireString(values, 'input', 'logits'), model.vocabSize, positionLimit(model));
    if (model.isEncoderDecoder && !inp.decoder_input_ids)
      throw new UserError(`${model.modelType} is an encoder-decoder: the input file needs "decoder_input_ids"`);
    const logits = tf.tidy(
      () =>
        model.forward({
          inputIds: int32Matrix(inp.input_ids),
          attentionMask: inp.attention_mask ? int32Matrix(inp.attention_mask) : undefined,
          positionIds: inp.position_ids ? int32Matrix(inp.position_ids) : undefined,
          decoderInputIds: inp.decoder_input_ids ? int32Matrix(inp.decoder_input_ids) : undefined,
        }).logits,
    );
    try {
      await printJsonStreamed({ logits: new DenseArray(logits.shape, logits.dataSync()) });
    } finally {
      logits.dispose();
    }
  },
};
