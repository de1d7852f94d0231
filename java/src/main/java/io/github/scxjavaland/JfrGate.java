// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * Whether the scheduler's Flight Recorder events ({@link JfrEvents}) may be emitted: only once
 * JFR runs in this JVM (-XX:StartFlightRecording, or a recording started later with jcmd). Until
 * then the event classes stay unloaded: loading the first event class of a JVM without JFR
 * costs about 300 ms here (JFR's instrumentation starts), with it about 13 ms. The hot path
 * reads one volatile boolean per round.
 */
final class JfrGate {
    /** True once JFR is initialized in this JVM; never goes back. */
    static volatile boolean on;
    private static boolean watching;

    private JfrGate() {}

    /** Called at each open: notices JFR now, or as soon as it starts (off the caller's thread). */
    static synchronized void watch() {
        if (on || watching) {
            return;
        }
        if (FlightRecorder.isInitialized()) {
            on = true;
            return;
        }
        watching = true;
        // addListener costs tens of ms: not on the thread that is about to schedule the machine.
        Thread t = new Thread(() -> FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                on = true;
            }
        }), "scx-javaland-jfr-watch");
        t.setDaemon(true);
        t.start();
    }
}
