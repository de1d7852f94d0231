// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.lang.System.Logger.Level;

/**
 * SIGINT / SIGTERM handling that lets the scheduling loop detach and the process exit with 0,
 * rather than the JVM's default of running shutdown hooks and exiting 130 / 143. Uses
 * sun.misc.Signal (module jdk.unsupported); without it, shutdown hooks still detach cleanly.
 */
final class Signals {
    private Signals() {}

    static void onTermination(Runnable action) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                NativeLog.LOGGER.log(Level.WARNING, "cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
    }
}
