// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Receives libbpf's and the core's messages from native code (never on the hot path). */
final class NativeLog {
    static final Logger LOGGER = System.getLogger("io.github.scxjavaland");

    private NativeLog() {}

    /** Called from jni_bridge.c; level as in enum sjl_log_level (0 debug, 1 info, 2 warn). */
    static void log(int level, String line) {
        Level l = level >= 2 ? Level.WARNING : level == 1 ? Level.INFO : Level.DEBUG;
        LOGGER.log(l, line);
    }

    /** The lowest native level worth producing, from the logger's configuration. */
    static int nativeLevel(boolean debug) {
        if (debug || LOGGER.isLoggable(Level.DEBUG)) {
            return 0;
        }
        return LOGGER.isLoggable(Level.INFO) ? 1 : 2;
    }
}
