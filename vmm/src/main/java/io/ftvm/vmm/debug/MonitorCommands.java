package io.ftvm.vmm.debug;

import io.ftvm.vmm.replay.DivergenceException;
import java.util.List;

/**
 * GDB's {@code monitor} commands of a replay: {@code icount}, {@code when}, {@code seek ICOUNT},
 * {@code checkpoints}, {@code help}. Each returns text for the user and whether it succeeded.
 */
final class MonitorCommands {
    /** What a command printed (GDB is answered OK either way: the text says what failed). */
    record Result(String output) {
    }

    private final ReplaySession session;

    MonitorCommands(ReplaySession session) {
        this.session = session;
    }

    Result run(String command) throws InterruptedException {
        String[] w = command.split("\\s+");
        switch (w[0]) {
            case "icount":
                return ok("icount " + session.icount() + " (the recording spans " + session.startIcount() + " to "
                        + session.endIcount() + ")\n");
            case "when":
                return ok("icount " + session.icount() + ", guest time " + session.machine().time().now()
                        + " ticks (" + GdbStub.guestSeconds(session.machine().time().now()) + "), pc 0x"
                        + Long.toHexString(session.machine().cpu().pc()) + ", " + session.digestsChecked()
                        + " digests verified so far\n");
            case "seek":
                return seek(w);
            case "checkpoints":
                return checkpoints();
            case "user-space":
                return userSpace(w);
            case "help":
            case "":
                return ok("monitor commands of an ftvm replay:\n"
                        + "  icount         where the replay is (instructions retired)\n"
                        + "  when           icount, guest time and pc\n"
                        + "  seek ICOUNT    go to exactly ICOUNT (forward or back); then 'maintenance flush "
                        + "register-cache'\n"
                        + "  checkpoints    the checkpoints kept and the memory they use\n"
                        + "  user-space [this|any|SATP]  breakpoints and watchpoints on user addresses hit only in\n"
                        + "                 this address space (the current satp, or SATP), or in any (the default)\n");
            default:
                return new Result("unknown monitor command '" + w[0] + "' (try 'monitor help')\n");
        }
    }

    private Result seek(String[] w) throws InterruptedException {
        if (w.length != 2) {
            return new Result("usage: monitor seek ICOUNT\n");
        }
        long target;
        try {
            target = Long.parseLong(w[1].replace("_", ""));
        } catch (NumberFormatException e) {
            return new Result("not an instruction count: '" + w[1] + "'\n");
        }
        if (target < session.startIcount() || target > session.endIcount()) {
            return new Result("icount " + target + " is outside the recording (" + session.startIcount() + " to "
                    + session.endIcount() + ")\n");
        }
        try {
            session.seek(target);
        } catch (DivergenceException e) {
            return new Result("the replay diverged from the recording: " + e.getMessage() + "\n");
        }
        return ok("at icount " + session.icount() + ", pc 0x" + Long.toHexString(session.machine().cpu().pc())
                + " (run 'maintenance flush register-cache' to see this point's registers)\n");
    }

    private Result userSpace(String[] w) {
        if (w.length == 2) {
            java.util.OptionalLong satp;
            if (w[1].equals("this")) {
                satp = java.util.OptionalLong.of(session.machine().cpu().csrs().peek(io.ftvm.vmm.cpu.Csr.SATP));
            } else if (w[1].equals("any")) {
                satp = java.util.OptionalLong.empty();
            } else {
                try {
                    satp = java.util.OptionalLong.of(Long.parseUnsignedLong(w[1].startsWith("0x") ? w[1].substring(2)
                            : w[1], 16));
                } catch (NumberFormatException e) {
                    return new Result("not a satp value: '" + w[1] + "' (this, any, or hex)\n");
                }
            }
            session.bindUserSpace(satp);
        } else if (w.length > 2) {
            return new Result("usage: monitor user-space [this|any|SATP]\n");
        }
        java.util.OptionalLong bound = session.userSpace();
        return ok(bound.isEmpty() ? "user breakpoints hit in any address space\n"
                : "user breakpoints hit only while satp is 0x" + Long.toHexString(bound.getAsLong()) + "\n");
    }

    private Result checkpoints() {
        Checkpoints.Usage u = session.checkpointUsage();
        List<Long> at = u.icounts();
        StringBuilder s = new StringBuilder();
        s.append(u.count()).append(" checkpoints, ").append(String.format("%.1f", u.bytes() / 1048576.0))
                .append(" MiB of pages, at icounts ");
        for (int i = 0; i < at.size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            if (at.size() > 12 && i == 6) {
                s.append("... (").append(at.size() - 12).append(" more), ");
                i = at.size() - 6;
            }
            s.append(at.get(i));
        }
        return ok(s.append('\n').toString());
    }

    private static Result ok(String text) {
        return new Result(text);
    }
}
