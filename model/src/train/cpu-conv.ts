import * as tf from '@tensorflow/tfjs';

/**
 * Faster kernel gradients for the pure-JS CPU backend. Its Conv2DBackpropFilter is a scalar
 * loop, while its forward Conv2D is im2col + a blocked matMul. A filter gradient is itself a
 * convolution — of the input (batch moved to channels) with the output gradient as kernel —
 * so it is computed with the fast forward op instead. Measured here (batch 4, 64²): 7×7 3→32
 * filter gradient ≈ 37 s → 0.7 s, 3×3 32→32 ≈ 76 s → 1.5 s; depthwise 3×3 (32 ch, stride 2, 66²)
 * 0.5 s → 0.09 s. Native and WebGPU backends keep
 * TF.js's own gradients. These ops are differentiated once (generator training), not twice.
 */
export function useFastCpuGradients(): boolean {
  if (process.env.UNSHAKE_TFJS_CONV === 'native') return false; // for benchmarks: TF.js's own kernels
  // Undilated convs only: tf-ops.ts turns a dilated one into an undilated one first (atrous).
  return tf.getBackend() === 'cpu';
}

/**
 * dW[u, v, i, o] = Σ_{n, y, x} a[n, s_h·y + u, s_w·x + v, i] · b[n, y, x, o]: a correlation of
 * `a` with `b` dilated by the stride, as one forward conv with batch and channels swapped.
 */
function correlate(a: tf.Tensor4D, b: tf.Tensor4D, strides: [number, number], kh: number, kw: number): tf.Tensor4D {
  const at = tf.transpose(a, [3, 1, 2, 0]) as tf.Tensor4D; // [i, H, W, n]
  const bt = tf.transpose(b, [1, 2, 0, 3]) as tf.Tensor4D; // [h, w, n, o] as the kernel
  const full = tf.conv2d(at, bt, 1, 'valid', 'NHWC', strides); // [i, ≥kh, ≥kw, o]
  return tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]), [1, 2, 0, 3]) as tf.Tensor4D;
}

/** Stride-1 'valid' tf.conv2d (NHWC, HWIO kernel) with the fast filter gradient. */
export function fastConv2d(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, ws]);
    return {
      value: tf.conv2d(xs, ws, 1, 'valid'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [kh, kw] = sw.shape;
        return [tf.conv2dTranspose(dy, sw, sx.shape, 1, 'valid'), correlate(sx, dy, [1, 1], kh, kw)];
      },
    };
  });
  return op(x, w);
}

/** 'valid' tf.conv2dTranspose (kernel [kH, kW, out, in]) with the fast filter gradient. */
export function fastConvTranspose(x: tf.Tensor4D, w: tf.Tensor4D, outShape: [number, number, number, number], strides: [number, number]): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, ws]);
    return {
      value: tf.conv2dTranspose(xs, ws, outShape, strides, 'valid'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [kh, kw] = sw.shape;
        // y = conv2dᵀ(x, W) ⇒ dx = conv2d(dy, W), dW[u, v, o, i] = Σ dy[s·y + u, s·x + v, o] · x[y, x, i].
        return [tf.conv2d(dy, sw, strides, 'valid'), correlate(dy, sx, strides, kh, kw)];
      },
    };
  });
  return op(x, w);
}

/**
 * 'valid' depthwise conv (multiplier 1, kernel [kH, kW, C, 1]) with the fast filter gradient:
 * dW[u, v, c] = Σ_{n, y, x} x[n, s·y + u, s·x + v, c] · dy[n, y, x, c], one depthwise forward
 * with (batch, channel) pairs as channels and dy as a dilated kernel, then a sum over the batch.
 */
export function fastDepthwise(x: tf.Tensor4D, w: tf.Tensor4D, strides: [number, number]): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, ws]);
    return {
      value: tf.depthwiseConv2d(xs, ws, strides, 'valid'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [n, h, width, c] = sx.shape;
        const [kh, kw] = sw.shape;
        const [, oh, ow] = dy.shape;
        // dx through TF.js's own input-gradient kernel (reasonably fast; only the filter one is slow).
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: sw }, {
          strides,
          dilations: [1, 1],
          pad: 'valid',
          inputShape: sx.shape,
        }) as tf.Tensor4D;
        const input = tf.reshape(tf.transpose(sx, [1, 2, 0, 3]), [1, h, width, n * c]) as tf.Tensor4D;
        const kernel = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [oh, ow, n * c, 1]) as tf.Tensor4D;
        const full = tf.depthwiseConv2d(input, kernel, 1, 'valid', 'NHWC', strides);
        const dw = tf.reshape(tf.sum(tf.reshape(tf.slice(full, [0, 0, 0, 0], [1, kh, kw, n * c]), [kh, kw, n, c]), 2), [kh, kw, c, 1]);
        return [dx, dw];
      },
    };
  });
  return op(x, w);
}
