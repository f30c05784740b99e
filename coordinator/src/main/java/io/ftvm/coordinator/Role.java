package io.ftvm.coordinator;

/** The role a host plays for one VM. */
public enum Role {
    PRIMARY,
    BACKUP
}
