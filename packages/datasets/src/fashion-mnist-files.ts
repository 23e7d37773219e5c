/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research): 70,000 grayscale 28×28 images of
 * clothing in 10 classes, 60,000 for training and 10,000 for testing, as four IDX files.
 * This module is pure data (no Node imports).
 */

/** Class names in label order 0..9 (the official Fashion-MNIST labels, as in Keras and torchvision). */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** The four files, by role, without their `.gz` suffix. */
export const FASHION_MNIST_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const);

/** One of the four Fashion-MNIST files: `'trainImages'`, `'trainLabels'`, `'testImages'` or `'testLabels'`. */
export type FashionMnistFileRole = keyof typeof FASHION_MNIST_FILES;

/** The four file roles, training images first (the order in which files are looked for and downloaded). */
export const FASHION_MNIST_ROLES: readonly FashionMnistFileRole[] = Object.freeze([
  'trainImages',
  'trainLabels',
  'testImages',
  'testLabels',
]);

/**
 * Where the official gzipped files are downloaded from: the Zalando Research repository
 * (`zalandoresearch/fashion-mnist`, `data/fashion/`), over HTTPS. The same files are served at
 * `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/` (HTTP only). The content is pinned by
 * {@link FASHION_MNIST_SHA256}, not by the URL.
 */
export const FASHION_MNIST_BASE_URL =
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/';

/**
 * SHA-256 of the official `*.gz` files as published by Zalando (the same files whose MD5s the Zalando
 * README, torchvision and Keras pin: 8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…; sizes 26,421,880,
 * 29,515, 4,422,102 and 5,148 bytes). A download must match these exactly.
 *
 * Debian's `dataset-fashion-mnist` ships the same images recompressed (24 bytes shorter: no file name
 * in the gzip header), so its `.gz` files do NOT match these; their decompressed content matches
 * {@link FASHION_MNIST_PAYLOAD_SHA256}.
 */
export const FASHION_MNIST_SHA256: Readonly<Record<FashionMnistFileRole, string>> = Object.freeze({
  trainImages: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
  trainLabels: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
  testImages: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
  testLabels: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
});

/**
 * SHA-256 of the decompressed IDX files (identical for the official and the Debian copies; computed with
 * `zcat FILE.gz | sha256sum` on the Debian files and matching published references of the raw files).
 */
export const FASHION_MNIST_PAYLOAD_SHA256: Readonly<Record<FashionMnistFileRole, string>> = Object.freeze({
  trainImages: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  trainLabels: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  testImages: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  testLabels: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
});

/** Where Debian's `dataset-fashion-mnist` package installs the four `*.gz` files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The environment variable naming a directory that holds the four files. */
export const FASHION_MNIST_DIR_ENV = 'FASHION_MNIST_DIR';
