// SPDX-License-Identifier: GPL-2.0-only
/**
 * scx_javaland: Linux sched_ext CPU schedulers in user space, in Java.
 * Run with {@code --enable-native-access=io.github.scxjavaland} on JDK 24+ to silence the
 * restricted-method warning of {@code System.load}.
 */
module io.github.scxjavaland {
    requires jdk.unsupported;
    requires jdk.jfr; // the scheduler's Flight Recorder events (JfrEvents)
    requires transitive java.management; // SchedulerStatsMXBeanImpl exposes ObjectName, MBeanServer

    exports io.github.scxjavaland;
    exports io.github.scxjavaland.examples;
    exports io.github.scxjavaland.sim;
}
