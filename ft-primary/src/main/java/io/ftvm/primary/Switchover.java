package io.ftvm.primary;

import io.ftvm.replication.PrimaryConnection;
import io.ftvm.replication.SenderLog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One planned switchover of a primary, run on its VM thread while the VM is paused at a clean point (the log ends
 * with a digest and a horizon at the pause):
 *
 * <ol>
 *   <li>wait until the backup has acknowledged the whole log: every output the VM produced is then released, and the
 *       backup holds everything the VM did;</li>
 *   <li>tell the backup to take over ({@link PrimaryConnection#handOver}): it replays to the end of the log, wins
 *       the record in ZooKeeper by compare-and-set and goes live at the very instruction where this VM stands;</li>
 *   <li>wait for the coordinator to fence this role (the record names the backup primary now).</li>
 * </ol>
 *
 * Any step that does not finish by the deadline abandons the switchover and the VM runs on here. That is safe
 * whatever the backup did meanwhile: a backup that took over accepts no more of this primary's log, so nothing this
 * primary does after the pause is ever released, and its next record change finds it fenced.
 */
public final class Switchover {

    /**
     * What a switchover did: the backup the VM went to, at which icount, how long the VM waited for the last
     * acknowledgement, and how long it stood still here in all (pause to fenced).
     */
    public record Result(String backup, long icount, long ackWaitNanos, long pausedNanos) {
    }

    /** A switchover that was abandoned (the VM runs on here); the message says why. */
    public static final class AbandonedException extends Exception {
        private static final long serialVersionUID = 1L;

        AbandonedException(String message) {
            super(message);
        }
    }

    /** The least time a backup is given to take over after the hand-over (its CAS and going live take tens of ms). */
    static final long MIN_TAKEOVER_NANOS = 200_000_000L;
    /** How often the wait for fencing looks whether the backup is still there. */
    private static final long SLICE_NANOS = 5_000_000L;
    /** How long a role no longer PROTECTED may take to count as fenced (its listeners run in between). */
    private static final long FENCING_NANOS = 100_000_000L;

    private final String backup;
    private final SenderLog log;
    private final Supplier<PrimaryConnection> connection;
    private final BooleanSupplier stillProtected;
    private final Runnable flush;
    private final java.util.function.Consumer<String> handedOver;
    private final LongSupplier nanoClock;
    private final long deadlineNanos;
    final CompletableFuture<Result> done = new CompletableFuture<>();

    /**
     * A switchover to {@code backup} (whose log is {@code log}), abandoned at {@code deadlineNanos}.
     * {@code stillProtected} is false once the backup is lost or the role ended; {@code flush} sends the log's tail;
     * {@code handedOver} is told the backup's name once it was told to take over.
     */
    Switchover(String backup, SenderLog log, Supplier<PrimaryConnection> connection, BooleanSupplier stillProtected,
            Runnable flush, java.util.function.Consumer<String> handedOver, LongSupplier nanoClock,
            long deadlineNanos) {
        this.backup = backup;
        this.log = log;
        this.connection = connection;
        this.stillProtected = stillProtected;
        this.flush = flush;
        this.handedOver = handedOver;
        this.nanoClock = nanoClock;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Runs the switchover on the paused VM's thread; returns once this role is fenced ({@code fenced} counted down)
     * with the result, or throws when it was abandoned.
     */
    Result run(CountDownLatch fenced) throws AbandonedException, InterruptedException {
        long t0 = nanoClock.getAsLong();
        while (log.ackedSequence() < log.nextSequence() - 1) {
            if (!stillProtected.getAsBoolean()) {
                throw new AbandonedException("backup " + backup + " was lost during the switchover");
            }
            if (nanoClock.getAsLong() - deadlineNanos > 0) {
                throw new AbandonedException("backup " + backup + " did not acknowledge the log (through sequence "
                        + (log.nextSequence() - 1) + ") in time; acknowledged through " + log.ackedSequence());
            }
            flush.run();
            log.awaitAckedIcount(log.ackedIcount() + 1, 1);
        }
        long acked = nanoClock.getAsLong();
        if (deadlineNanos - acked < MIN_TAKEOVER_NANOS) {
            // the backup could not take over before this end gives up and resumes: do not ask it to
            throw new AbandonedException("too little time left for backup " + backup + " to take over (less than "
                    + MIN_TAKEOVER_NANOS / 1_000_000 + " ms after the last ACK)");
        }
        PrimaryConnection c = connection.get();
        if (!stillProtected.getAsBoolean() || c == null || !c.handOver(log.ackedSequence(), log.ackedIcount())) {
            throw new AbandonedException("the connection to backup " + backup + " is down");
        }
        handedOver.accept(backup);
        while (!fenced.await(Math.min(SLICE_NANOS, Math.max(0, deadlineNanos - nanoClock.getAsLong())),
                TimeUnit.NANOSECONDS)) {
            if (!stillProtected.getAsBoolean()) {
                if (fenced.await(FENCING_NANOS, TimeUnit.NANOSECONDS)) {
                    break; // being fenced: the role's state changes a moment before the latch
                }
                // the backup was lost after the hand-over (this role went unprotected): nobody takes over
                throw new AbandonedException("backup " + backup + " was lost after the hand-over");
            }
            if (nanoClock.getAsLong() - deadlineNanos >= 0) {
                throw new AbandonedException("backup " + backup + " did not take over in time (the record still "
                        + "names this host primary)");
            }
        }
        long end = nanoClock.getAsLong();
        return new Result(backup, log.ackedIcount(), acked - t0, end - t0);
    }
}
