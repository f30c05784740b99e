package io.ftvm.node.net;

/** A VM's NIC cannot be attached on this host: no such bridge, no permission to create TAP devices, ... */
public final class NetworkSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    public NetworkSetupException(String message) {
        super(message);
    }
}
