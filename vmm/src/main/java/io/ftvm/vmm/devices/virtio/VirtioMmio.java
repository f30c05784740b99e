package io.ftvm.vmm.devices.virtio;

import io.ftvm.vmm.devices.InterruptLine;
import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.MmioDevice;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2, section 4.2.2): identification, feature negotiation (the driver
 * must accept {@code VIRTIO_F_VERSION_1}), device status, queue set-up, notification, the interrupt status and the
 * device's configuration space at 0x100. Its interrupt line is level-triggered: high while InterruptStatus is not 0.
 */
public final class VirtioMmio implements MmioDevice {
    public static final long SIZE = 0x1000;
    static final int MAGIC = 0x74726976; // "virt"
    static final int VENDOR = 0x6d767466; // "ftvm"
    static final long F_VERSION_1 = 1L << 32;

    static final int STATUS_ACKNOWLEDGE = 1;
    static final int STATUS_DRIVER = 2;
    static final int STATUS_DRIVER_OK = 4;
    static final int STATUS_FEATURES_OK = 8;
    static final int STATUS_NEEDS_RESET = 64;
    static final int STATUS_FAILED = 128;
    static final int INT_USED = 1;
    static final int INT_CONFIG = 2;

    private final VirtioDevice device;
    private final InterruptLine irq;
    private final VirtQueue[] queues;

    private int status;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int queueSel;
    private int interruptStatus;
    private int configGeneration;
    private String lastError;

    public VirtioMmio(VirtioDevice device, InterruptLine irq, DmaMemory memory) {
        this.device = device;
        this.irq = irq;
        this.queues = new VirtQueue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new VirtQueue(device.queueMaxSize(), memory);
        }
    }

    public VirtioDevice device() {
        return device;
    }

    /** Why the device last entered DEVICE_NEEDS_RESET (null if never), for operators and tests. */
    public String lastError() {
        return lastError;
    }

    /** The device status register. */
    public int status() {
        return status;
    }

    /** True once the driver finished set-up and the device has not failed. */
    public boolean driverReady() {
        return (status & STATUS_DRIVER_OK) != 0 && (status & STATUS_NEEDS_RESET) == 0;
    }

    /** The queue {@code index}, for devices that complete chains on their own (frames arriving). */
    public VirtQueue queue(int index) {
        return queues[index];
    }

    private long offered() {
        return device.features() | F_VERSION_1;
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= 0x100) {
            return device.readConfig((int) offset - 0x100, size);
        }
        if (size != 4) {
            return 0;
        }
        VirtQueue q = queueSel < queues.length ? queues[queueSel] : null;
        switch ((int) offset) {
            case 0x000: return MAGIC;
            case 0x004: return 2;
            case 0x008: return device.deviceId();
            case 0x00c: return VENDOR;
            case 0x010: return deviceFeaturesSel == 0 ? offered() & 0xffffffffL
                    : deviceFeaturesSel == 1 ? offered() >>> 32 : 0;
            case 0x034: return q == null ? 0 : q.maxSize();
            case 0x044: return q != null && q.ready ? 1 : 0;
            case 0x060: return interruptStatus;
            case 0x070: return status;
            case 0x0fc: return configGeneration;
            default: return 0;
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= 0x100) {
            device.writeConfig((int) offset - 0x100, size, value);
            return;
        }
        if (size != 4) {
            return;
        }
        int v = (int) value;
        VirtQueue q = queueSel < queues.length ? queues[queueSel] : null;
        switch ((int) offset) {
            case 0x014: deviceFeaturesSel = v; break;
            case 0x020:
                if (driverFeaturesSel == 0) {
                    driverFeatures = (driverFeatures & ~0xffffffffL) | (v & 0xffffffffL);
                } else if (driverFeaturesSel == 1) {
                    driverFeatures = (driverFeatures & 0xffffffffL) | ((long) v << 32);
                }
                break;
            case 0x024: driverFeaturesSel = v; break;
            case 0x030: queueSel = v; break;
            case 0x038: if (q != null && !q.ready) { q.size = v; } break;
            case 0x044: setQueueReady(q, v); break;
            case 0x050: notify(v); break;
            case 0x064: interruptStatus &= ~v; updateIrq(); break;
            case 0x070: setStatus(v); break;
            case 0x080: if (q != null && !q.ready) { q.desc = low(q.desc, v); } break;
            case 0x084: if (q != null && !q.ready) { q.desc = high(q.desc, v); } break;
            case 0x090: if (q != null && !q.ready) { q.avail = low(q.avail, v); } break;
            case 0x094: if (q != null && !q.ready) { q.avail = high(q.avail, v); } break;
            case 0x0a0: if (q != null && !q.ready) { q.used = low(q.used, v); } break;
            case 0x0a4: if (q != null && !q.ready) { q.used = high(q.used, v); } break;
            default: break;
        }
    }

    private static long low(long r, int v) {
        return (r & ~0xffffffffL) | (v & 0xffffffffL);
    }

    private static long high(long r, int v) {
        return (r & 0xffffffffL) | ((long) v << 32);
    }

    private void setQueueReady(VirtQueue q, int v) {
        if (q == null) {
            return;
        }
        if (v == 0) {
            q.ready = false;
            return;
        }
        try {
            q.validate();
            q.ready = true;
        } catch (VirtioException e) {
            fail("queue " + queueSel + ": " + e.getMessage());
        }
    }

    private void setStatus(int v) {
        if (v == 0) {
            reset();
            return;
        }
        if ((v & STATUS_FEATURES_OK) != 0 && (status & STATUS_FEATURES_OK) == 0) {
            boolean acceptable = (driverFeatures & ~offered()) == 0 && (driverFeatures & F_VERSION_1) != 0;
            if (!acceptable) {
                v &= ~STATUS_FEATURES_OK; // the driver reads it back and gives up
            }
        }
        status = (v & ~STATUS_NEEDS_RESET) | (status & STATUS_NEEDS_RESET);
    }

    private void reset() {
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        queueSel = 0;
        interruptStatus = 0;
        for (VirtQueue q : queues) {
            q.reset();
        }
        device.reset();
        updateIrq();
    }

    private void notify(int index) {
        if (!driverReady() || index < 0 || index >= queues.length || !queues[index].ready) {
            return;
        }
        try {
            if (device.process(index, queues[index])) {
                usedBuffers();
            }
        } catch (VirtioException e) {
            fail("queue " + index + ": " + e.getMessage());
        }
    }

    /** Signals the driver that chains were completed (devices that complete on their own call this). */
    public void usedBuffers() {
        interruptStatus |= INT_USED;
        updateIrq();
    }

    /** Puts the device into DEVICE_NEEDS_RESET and tells the driver (a configuration-change interrupt). */
    public void fail(String why) {
        lastError = why;
        status |= STATUS_NEEDS_RESET;
        interruptStatus |= INT_CONFIG;
        configGeneration++;
        updateIrq();
    }

    private void updateIrq() {
        irq.set(interruptStatus != 0);
    }

    /** Adds the transport's and the device's state to a digest. */
    public void hashState(Hasher h) {
        for (long w : state()) {
            h.put(w);
        }
        device.hashState(h);
    }

    /** The transport's registers and queues, for snapshots. */
    public long[] state() {
        long[] s = new long[7 + queues.length * VirtQueue.STATE_WORDS];
        s[0] = status;
        s[1] = deviceFeaturesSel;
        s[2] = driverFeaturesSel;
        s[3] = driverFeatures;
        s[4] = queueSel;
        s[5] = interruptStatus;
        s[6] = configGeneration;
        for (int i = 0; i < queues.length; i++) {
            System.arraycopy(queues[i].state(), 0, s, 7 + i * VirtQueue.STATE_WORDS, VirtQueue.STATE_WORDS);
        }
        return s;
    }

    /**
     * Restores {@link #state()}.
     *
     * @throws IllegalArgumentException when the state does not fit this transport's device
     */
    public void restore(long[] s) {
        if (s.length != 7 + queues.length * VirtQueue.STATE_WORDS) {
            throw new IllegalArgumentException("virtio transport state of " + s.length + " words for a device with "
                    + queues.length + " queues");
        }
        status = (int) s[0];
        deviceFeaturesSel = (int) s[1];
        driverFeaturesSel = (int) s[2];
        driverFeatures = s[3];
        queueSel = (int) s[4];
        interruptStatus = (int) s[5];
        configGeneration = (int) s[6];
        for (int i = 0; i < queues.length; i++) {
            long[] q = new long[VirtQueue.STATE_WORDS];
            System.arraycopy(s, 7 + i * VirtQueue.STATE_WORDS, q, 0, q.length);
            queues[i].restore(q);
        }
        updateIrq();
    }
}
