// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuSetTest {
    @Test
    void holdsWhatWasAddedAcrossWords() {
        CpuSet s = new CpuSet().add(0).add(3).add(63).add(64).add(1000);
        assertTrue(s.contains(0) && s.contains(63) && s.contains(64) && s.contains(1000));
        assertFalse(s.contains(1) || s.contains(-1) || s.contains(Layout.MAX_CPUS) || s.contains(Integer.MAX_VALUE));
        assertEquals(5, s.size());
        assertEquals("0,3,63-64,1000", s.toString());
        assertEquals(63, s.next(4));
        assertEquals(64, s.next(64));
        assertEquals(1000, s.next(65));
        assertEquals(-1, s.next(1001));
        assertEquals(0, s.next(-5));
        assertEquals(0, s.nextWrapping(1001), "wraps to the lowest");
        assertEquals(-1, new CpuSet().nextWrapping(0));
    }

    @Test
    void editsInPlace() {
        CpuSet a = new CpuSet().add(1).add(2).add(70);
        CpuSet b = new CpuSet().add(2).add(70).add(71);
        assertEquals("2,70", a.retainAll(b).toString());
        assertEquals("70", a.remove(2).remove(-3).remove(5000).toString());
        assertEquals(b, new CpuSet().copyFrom(b));
        assertEquals(b.hashCode(), new CpuSet().copyFrom(b).hashCode());
        assertTrue(a.clear().isEmpty());
        assertEquals("", a.toString());
    }

    @Test
    void refusesIdsOutsideTheSupportedRange() {
        CpuSet s = new CpuSet();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.add(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.add(Layout.MAX_CPUS));
        assertTrue(s.isEmpty());
    }

    @Test
    void wordsAboveTheMachineAreDropped() {
        CpuSet s = new CpuSet();
        s.setWord(0, -1L, 2);
        assertEquals("0-1", s.toString());
        s.setWord(1, -1L, 70);
        assertEquals("0-1,64-69", s.toString());
        s.setWord(2, -1L, 70);
        assertEquals("0-1,64-69", s.toString());
    }
}
