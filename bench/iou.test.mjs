// Tests of the benchmark's IoU: `node --test bench/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quadIoU, convexHull, isSelfIntersecting, area } from './iou.js';

const square = (x, y, s) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];
const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test('identical quads have IoU 1, in either winding', () => {
  const q = [[10, 5], [90, 12], [85, 70], [3, 60]];
  close(quadIoU(q, q), 1);
  close(quadIoU([...q].reverse(), q), 1);
});

test('half-overlapping squares: 50 / 150', () => {
  close(quadIoU(square(0, 0, 10), square(5, 0, 10)), 50 / 150);
});

test('disjoint, contained and missing quads', () => {
  close(quadIoU(square(0, 0, 10), square(20, 20, 10)), 0);
  close(quadIoU(square(2, 2, 5), square(0, 0, 10)), 25 / 100);
  assert.equal(quadIoU(null, square(0, 0, 10)), 0);
  assert.equal(quadIoU([[0, 0], [1, 0], undefined, [0, 1]], square(0, 0, 10)), 0);
});

test('a concave found quad against a convex label', () => {
  // A dart: the square 0..10 with its bottom-right corner pushed in to (5, 5).
  const dart = [[0, 0], [10, 0], [5, 5], [0, 10]];
  close(area(dart), 50);
  close(quadIoU(dart, square(0, 0, 10)), 50 / 100);
});

test('a bow-tie is replaced by its hull', () => {
  const bowtie = [[0, 0], [10, 10], [10, 0], [0, 10]];
  assert.ok(isSelfIntersecting(bowtie));
  close(area(convexHull(bowtie)), 100);
  close(quadIoU(bowtie, square(0, 0, 10)), 1);
});
