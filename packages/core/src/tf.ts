/**
 * The tensor engine every steadygrad package uses: `@tensorflow/tfjs-core`, a peer dependency, so an
 * application has exactly one engine. Packages import `tf` from here rather than from tfjs-core directly.
 */

export type {
  DataType,
  NamedTensorMap,
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  TensorLike,
  Variable,
} from '@tensorflow/tfjs-core';
export * as tf from '@tensorflow/tfjs-core';
