// SPDX-License-Identifier: GPL-2.0-only
/**
 * Example schedulers: {@link io.github.scxjavaland.examples.FifoScheduler}, the seed's FIFO, and
 * {@link io.github.scxjavaland.examples.DeadlineScheduler}, a deadline scheduler on weighted
 * virtual runtime in the spirit of scx_rustland.
 */
package io.github.scxjavaland.examples;
