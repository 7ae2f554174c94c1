import { deblurFile } from './model/src/infer/deblur-file.js';
for (const f of ['/tmp/prof/photo-12mp.jpg', '/tmp/prof/photo-12mp-p3.jpg']) {
  const r = await deblurFile(f, { outPath: '/tmp/prof/o.jpg', overwrite: true });
  console.log(f, r.seconds.toFixed(2), 'net', r.timings.networkSeconds.toFixed(2), 'deblur-net', (r.timings.deblur - r.timings.networkSeconds).toFixed(2));
}
