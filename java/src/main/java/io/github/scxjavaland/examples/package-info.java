// SPDX-License-Identifier: GPL-2.0-only
/**
 * Example schedulers: {@link io.github.scxjavaland.examples.FifoScheduler}, the seed's FIFO.
 */
package io.github.scxjavaland.examples;
