// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.vm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * tests/vm/28-jfr.sh: reads the recording a scheduler run made ({@code -XX:StartFlightRecording})
 * back with {@code jdk.jfr.consumer} and checks the scheduler's events: one Attach (its ops
 * name, CPU ids), one Exit (a clean detach: kind 64, the report), Round events whose figures
 * add up (every round moved something; decide time within the round's duration; tasks
 * dequeued over all rounds no more than the BPF side sent to user space; decide time, the
 * round less its crossings, waits included, is the policy's own work), and Counters (every
 * second, and once at exit) whose totals (dispatches applied, kernel-placed, cancelled,
 * bounced, failed; congestion, stall fallbacks and rescues, ageing) are never negative and never
 * go down, the one at exit accounting for every task sent to user space.
 * Prints a summary; exit 0 if every check held.
 */
public final class JfrCheck {
    /** The Counters fields that are totals since attach (the rest are gauges). */
    private static final String[] TOTALS = {"nrUserDispatches", "nrKernelDispatches", "nrCancelDispatches",
        "nrBounceDispatches", "nrFailedDispatches", "nrSchedCongested", "nrStallFallbacks", "nrStallRescues",
        "nrAgedUser", "nrAgedDsq", "nrUserQueued", "nrUserDequeued", "nrTickPreempts", "nrPreemptDispatches",
        "nrUserKicks", "nrUserschedCuts"};

    private JfrCheck() {}

    /** @param args the recording, the expected ops name */
    public static void main(String[] args) throws IOException {
        String ops = args[1];
        Map<String, List<RecordedEvent>> byType = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String t = e.getEventType().getName();
            if (t.startsWith("io.github.scxjavaland.")) {
                byType.computeIfAbsent(t.substring("io.github.scxjavaland.".length()), k -> new ArrayList<>()).add(e);
            }
        }
        List<String> bad = new ArrayList<>();
        List<RecordedEvent> attach = byType.getOrDefault("Attach", List.of());
        List<RecordedEvent> exit = byType.getOrDefault("Exit", List.of());
        List<RecordedEvent> rounds = byType.getOrDefault("Round", List.of());
        List<RecordedEvent> counters = byType.getOrDefault("Counters", List.of());
        if (attach.size() != 1 || !ops.equals(attach.get(0).getString("opsName")) || attach.get(0).getInt("nrCpus") < 1) {
            bad.add("Attach: " + attach);
        }
        if (exit.size() != 1 || exit.get(0).getInt("kind") != 64 || exit.get(0).getBoolean("error")
                || !exit.get(0).getString("report").contains("exit kind 64")) {
            bad.add("Exit: " + exit);
        }
        long dequeued = 0, dispatched = 0, crossings = 0;
        for (RecordedEvent r : rounds) {
            int dq = r.getInt("dequeued"), ds = r.getInt("dispatched");
            long decide = r.getLong("decideNs");
            // Decide time is System.nanoTime inside the event's interval, the duration JFR's clock:
            // the two clocks may differ by a rate, not by whole preemptions (1 % + 50 us of slack).
            long dur = r.getDuration().toNanos();
            if (dq < 0 || ds < 0 || dq + ds == 0 || r.getInt("crossings") < 1 || decide < 0
                    || decide > dur + dur / 100 + 50_000) {
                bad.add("Round: " + r);
                break;
            }
            dequeued += dq;
            dispatched += ds;
            crossings += r.getInt("crossings");
        }
        if (rounds.isEmpty()) {
            bad.add("no Round event");
        }
        long lastUser = -1, lastQueued = -1;
        Map<String, Long> last = new HashMap<>();
        for (RecordedEvent c : counters) {
            long user = c.getLong("nrUserDispatches"), queued = c.getLong("nrUserQueued");
            if (!ops.equals(c.getString("opsName"))) {
                bad.add("Counters name another scheduler: " + c);
                break;
            }
            for (String f : TOTALS) { // totals since attach: never negative, never down
                long v = c.getLong(f);
                if (v < 0 || v < last.getOrDefault(f, 0L)) {
                    bad.add("Counters." + f + " went from " + last.get(f) + " to " + v);
                }
                last.put(f, v);
            }
            lastUser = user;
            lastQueued = queued;
        }
        if (!counters.isEmpty()) {
            // The last one is taken at exit: every task sent to user space has one outcome.
            RecordedEvent c = counters.get(counters.size() - 1);
            long outcomes = c.getLong("nrUserDispatches") + c.getLong("nrBounceDispatches")
                    + c.getLong("nrUserDequeued") + c.getLong("nrAgedUser") + c.getLong("nrStallRescues")
                    + c.getLong("nrInUser");
            if (outcomes != c.getLong("nrUserQueued") || c.getLong("maxWaitNs") <= 0) {
                bad.add("the exit's Counters do not account for every task: " + c);
            }
        }
        if (counters.size() < 2) { // the one at exit, and at least one periodic over a 15 s run
            bad.add(counters.size() + " Counters events");
        }
        if (dequeued > lastQueued || dequeued < 1 || dispatched < 1) {
            bad.add("rounds dequeued " + dequeued + " tasks, the BPF side sent " + lastQueued);
        }
        System.out.printf("jfr: %d Attach, %d Exit, %d Round (%d tasks dequeued, %d decisions, %d crossings),"
                + " %d Counters (last: %d user dispatches of %d sent)%n", attach.size(), exit.size(), rounds.size(),
                dequeued, dispatched, crossings, counters.size(), lastUser, lastQueued);
        for (String b : bad) {
            System.out.println("FAIL: " + b);
        }
        System.exit(bad.isEmpty() ? 0 : 1);
    }
}
