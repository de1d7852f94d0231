// SPDX-License-Identifier: GPL-2.0-only
/** A round-robin scheduler built against scx-javaland as a user builds one. */
module com.example.rr {
    requires io.github.scxjavaland;
}
