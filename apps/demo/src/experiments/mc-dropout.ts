import { tf } from '@steadygrad/core';
import { imageSource } from '@steadygrad/datasets';
import type { Experiment } from '../experiment.js';
import {
  describeProfile,
  limitOf,
  type ProfileFields,
  qualifyPublished,
  resolveProfile,
} from '../profile.js';
import {
  argmaxAt,
  mcPerInput,
  PUBLISHED,
  regularizationData,
  trainVariant,
  VARIANT_RECIPES,
} from './regularization.js';
import { MC_DROPOUT_PROFILES, type McDropoutSettings } from './regularization-profile.js';

/** One class's probability for one image: deterministic, and MC mean ± std. */
export interface ClassProbability {
  readonly classIndex: number;
  readonly className: string;
  /** The plain prediction (dropout off), as Keras's `model.predict`. */
  readonly deterministic: number;
  readonly mean: number;
  readonly std: number;
}

export interface ImageUncertainty {
  readonly index: number;
  readonly label: number;
  readonly labelName: string;
  readonly predicted: number;
  readonly predictedName: string;
  readonly correct: boolean;
  /** Predictive entropy of the MC mean, in nats (max ln 10 ≈ 2.303). */
  readonly entropy: number;
  /** The top classes by MC mean. */
  readonly top: readonly ClassProbability[];
}

/** Accuracy when the model abstains on its most uncertain inputs, by one uncertainty score. */
export interface AbstentionFigures {
  readonly by: 'entropy' | 'std';
  readonly abstainFraction: number;
  readonly kept: number;
  /** Accuracy on the kept (most certain) inputs. */
  readonly accuracyKept: number;
  /** Accuracy on the inputs it abstained on. */
  readonly accuracyAbstained: number;
}

export interface McDropoutResult extends ProfileFields {
  readonly experiment: 'mc-dropout';
  readonly backend: string;
  readonly epochs: number;
  readonly seed: number;
  readonly samples: number;
  readonly testImages: number;
  /** Test accuracy with dropout off (Keras `evaluate`). */
  readonly plainAccuracy: number;
  /** Test accuracy of the MC-averaged prediction. */
  readonly mcAccuracy: number;
  readonly published: { readonly plainAccuracy: number; readonly mcAccuracy: number };
  readonly settings: McDropoutSettings;
  readonly images: readonly ImageUncertainty[];
  readonly abstention: readonly AbstentionFigures[];
}

export interface McDropoutOptions {
  /** MC passes per image (default 100). */
  readonly samples?: number;
  /** How many test images are shown (default 5: the first ones, as Géron shows `X_test[:1]`). */
  readonly shown?: number;
  /** Top classes listed per image (default 3). */
  readonly topClasses?: number;
  /** Fraction of the most uncertain test images abstained on (default 0.1). */
  readonly abstainFraction?: number;
  /** Use only the first N test images (default: all that `--limit` leaves; tests use fewer). */
  readonly testLimit?: number;
}

/**
 * Accuracy on the `1 − fraction` most certain inputs (lowest `score`) and on the rest. Ties keep input
 * order (stable sort), so the result is deterministic.
 */
export function abstain(
  score: ArrayLike<number>,
  correct: readonly boolean[],
  fraction: number,
): { kept: number; accuracyKept: number; accuracyAbstained: number } {
  const n = correct.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (score[a] as number) - (score[b] as number),
  );
  const kept = n - Math.floor(n * fraction);
  let keptCorrect = 0;
  let restCorrect = 0;
  order.forEach((i, rank) => {
    if (!correct[i]) return;
    if (rank < kept) keptCorrect++;
    else restCorrect++;
  });
  return {
    kept,
    accuracyKept: kept === 0 ? Number.NaN : keptCorrect / kept,
    accuracyAbstained: n - kept === 0 ? Number.NaN : restCorrect / (n - kept),
  };
}

/** The `mc-dropout` experiment with other settings (tests use fewer samples). */
export function createMcDropoutExperiment(options: McDropoutOptions = {}): Experiment<McDropoutResult> {
  const { shown = 5, topClasses = 3, abstainFraction = 0.1 } = options;
  return {
    name: 'mc-dropout',
    description:
      'seed cell 38: MC dropout on the cell 36 dropout MLP — class probabilities with their uncertainty, and accuracy when abstaining on the most uncertain 10%',
    async run(ctx) {
      const recipe = VARIANT_RECIPES.find((r) => r.variant === 'dropout');
      if (recipe === undefined) throw new Error('the dropout recipe is missing');
      const p = resolveProfile(ctx.profile, MC_DROPOUT_PROFILES, {
        epochs: ctx.epochs,
        batchSize: ctx.batchSize,
        limit: ctx.limit,
        samples: options.samples,
        testLimit: options.testLimit,
      });
      const { epochs, batchSize, samples } = p.settings;
      ctx.log(describeProfile(p));
      const data = await regularizationData(ctx, limitOf(p.settings.testLimit), limitOf(p.settings.limit));
      const trained = await trainVariant(ctx, data, recipe, ctx.seed, { epochs, batchSize });
      try {
        const { mean, std, entropy, classes } = mcPerInput(
          trained.model,
          imageSource(data.test),
          samples,
          ctx.seed,
        );
        const n = data.test.count;
        const predicted = Array.from({ length: n }, (_, i) => argmaxAt(mean, i * classes, classes));
        const correct = predicted.map((k, i) => k === data.test.labels[i]);
        const mcAccuracy = correct.filter(Boolean).length / n;
        // uncertainty of the decision: the std of the predicted class's probability
        const predictedStd = Float32Array.from(predicted, (k, i) => std[i * classes + k] as number);

        const count = Math.min(shown, n);
        const det = tf.tidy(() => {
          const xb = imageSource(data.test).batch(Array.from({ length: count }, (_, i) => i));
          return trained.model.apply(xb);
        });
        const detValues = det.dataSync() as Float32Array;
        det.dispose();
        const name = (k: number) => data.classNames[k] ?? String(k);
        const images: ImageUncertainty[] = Array.from({ length: count }, (_, i) => {
          const row = Array.from({ length: classes }, (_, k) => k).sort(
            (a, b) => (mean[i * classes + b] as number) - (mean[i * classes + a] as number),
          );
          const label = data.test.labels[i] as number;
          const k = predicted[i] as number;
          return {
            index: i,
            label,
            labelName: name(label),
            predicted: k,
            predictedName: name(k),
            correct: k === label,
            entropy: entropy[i] as number,
            top: row.slice(0, topClasses).map((c) => ({
              classIndex: c,
              className: name(c),
              deterministic: detValues[i * classes + c] as number,
              mean: mean[i * classes + c] as number,
              std: std[i * classes + c] as number,
            })),
          };
        });
        const abstention: AbstentionFigures[] = [
          { by: 'entropy', abstainFraction, ...abstain(entropy, correct, abstainFraction) },
          { by: 'std', abstainFraction, ...abstain(predictedStd, correct, abstainFraction) },
        ];
        for (const img of images) {
          const top = img.top
            .map(
              (c) =>
                `${c.className} ${c.mean.toFixed(3)} ± ${c.std.toFixed(3)} (plain ${c.deterministic.toFixed(3)})`,
            )
            .join(', ');
          ctx.log(
            `test image ${img.index} (${img.labelName}): ${top}; entropy ${img.entropy.toFixed(3)} nats`,
          );
        }
        ctx.log(
          `accuracy: plain ${trained.testAccuracy.toFixed(4)}, MC dropout (${samples} samples) ${mcAccuracy.toFixed(4)} ` +
            `(Géron, one seed, his Dense 100-100 ReLU network: ${PUBLISHED.dropout.testAccuracy.toFixed(4)} → ${PUBLISHED.mcDropout.accuracy} after ${recipe.epochs} epochs, 100 samples; this run: ${qualifyPublished(p)})`,
        );
        for (const a of abstention) {
          ctx.log(
            `abstaining on the ${(100 * a.abstainFraction).toFixed(0)}% most uncertain by ${a.by}: accuracy ${a.accuracyKept.toFixed(4)} on the other ${a.kept} (${a.accuracyAbstained.toFixed(4)} on the abstained)`,
          );
        }
        return {
          profile: p.profile,
          notebookDifferences: p.notebookDifferences,
          experiment: 'mc-dropout',
          backend: ctx.backend,
          epochs,
          seed: ctx.seed,
          samples,
          testImages: n,
          plainAccuracy: trained.testAccuracy,
          mcAccuracy,
          published: {
            plainAccuracy: PUBLISHED.dropout.testAccuracy,
            mcAccuracy: PUBLISHED.mcDropout.accuracy,
          },
          settings: p.settings,
          images,
          abstention,
        };
      } finally {
        trained.model.dispose();
      }
    },
  };
}

/**
 * Seed cell 38 as an uncertainty demo: trains the cell 36 dropout MLP (recipe in `VARIANT_RECIPES`), runs
 * `mcPredict` (100 passes, batch normalization-safe) on the test set, shows the first test images' top class
 * probabilities as MC mean ± std next to the plain prediction, with the predictive entropy, and the accuracy
 * when the model abstains on its 10% most uncertain test images — by predictive entropy, and by the std of
 * the predicted class's probability. Profiles in `MC_DROPOUT_PROFILES` (notebook: 10 epochs, 100 samples;
 * quick: 3 epochs, 30 samples).
 *
 * Notebook-profile runtime on the shared 2-core machine (wasm, 1 thread): 10 epochs at ≈ 6 s + 100 MC passes
 * over the 10,000 test images ≈ 1.5–2 minutes.
 */
export const mcDropout: Experiment<McDropoutResult> = createMcDropoutExperiment();
