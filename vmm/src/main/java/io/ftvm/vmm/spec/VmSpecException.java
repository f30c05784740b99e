package io.ftvm.vmm.spec;

/** A VM description that cannot be used; the one-line message names the file, the key and the problem. */
public final class VmSpecException extends Exception {
    private static final long serialVersionUID = 1L;

    public VmSpecException(String message) {
        super(message);
    }
}
