"""Micro Focus-style indexed files (ORGANIZATION INDEXED) for the COBOL interpreter.

A file is two files on disk, as with the product: the data file named as
mapped (``APPFILE01``) and its index ``APPFILE01.idx``; ``file`` recognises
them as "Micro Focus File with Header (DAT)" and "Micro Focus Index File
(IDX)".  A third file, ``APPFILE01.jnl``, is the rollback journal (see
docs/ISAM.md for the format and the crash-safety protocol).  A key number
out of range, an unknown mode or START operator, or keys outside the record
are the caller's bugs and raise ValueError.

Public API (everything returns a ``Status``; nothing raises for a COBOL-level
condition, bad file or lock conflict)::

    from fakees.isam import IndexedFile, KeySpec, Status

    keys = [KeySpec(0, 6),                       # key 0 = RECORD KEY (primary, unique)
            KeySpec(6, 10, duplicates=True)]     # key 1.. = ALTERNATE RECORD KEYs
    f, st = IndexedFile.open("APPFILE01", "I-O", record_size=16, keys=keys,
                             min_size=None,      # None: fixed length (= record_size)
                             lock_mode=None,     # None | "EXCLUSIVE" | "MANUAL" | "AUTOMATIC"
                             access="DYNAMIC",   # "SEQUENTIAL" | "RANDOM" | "DYNAMIC"
                             optional=False)     # SELECT OPTIONAL: absent file -> 05
    if f is None: ...                            # st.code is "35", "39", "9/065", ...
    st, rec = f.read(0, b"KEY001")               # random READ by key n; rec None unless st.ok
    st = f.start(1, b"0000000042", ">=")         # START; op "=", ">", ">=", "<", "<=",
                                                 # "NOT <", "NOT >", "FIRST", "LAST";
                                                 # a shorter key compares on its prefix
    st, rec = f.read_next()                      # READ NEXT in the key of reference
    st, rec = f.read_previous()                  # READ PREVIOUS
    st = f.write(rec); st = f.rewrite(rec)       # 22 duplicate key, 23 not found, 44 size
    st = f.delete(b"KEY001")                     # DELETE by primary key value
    st = f.unlock()                              # UNLOCK (MANUAL/AUTOMATIC)
    st = f.close()

``read``, ``read_next`` and ``read_previous`` take ``lock=True`` for READ ...
WITH LOCK (MANUAL) and ``lock=False`` for WITH NO LOCK.

Semantics follow Micro Focus: OPEN OUTPUT creates or empties the file; OPEN
INPUT / I-O / EXTEND of a missing file gives 35 (05 and an empty file with
``optional=True`` for I-O/EXTEND, 05 with nothing to read for INPUT); a
record size or key layout that disagrees with the file gives 39; CLOSE of
a closed handle 42 (41, OPEN of an open file, is the caller's to report:
every OPEN makes a new handle); 47 / 48 / 49 for an operation the open mode
does not permit; READ NEXT after end of file gives 46; 02 reports a duplicate
alternate key (on WRITE/REWRITE that created one, on READ when the next
record has the same key).  In ACCESS SEQUENTIAL, WRITE must ascend in the
primary key (21) and REWRITE/DELETE apply to the record last read (43 if
none, 21 if its key was changed).

Sharing and locks (fcntl OFD locks, so they hold across processes and
between two opens in one process): OUTPUT (always), I-O or EXTEND without a lock
mode, and any open with LOCK MODE EXCLUSIVE, lock the whole file; any other
opener then gets 9/065, and they get 9/065 while someone else has it open.
INPUT without a lock mode shares with readers and with MANUAL or AUTOMATIC
writers.  With LOCK MODE AUTOMATIC a READ in I-O mode locks the
record (releasing the previous one); MANUAL locks on ``lock=True``.  A record
locked by another opener gives 9/068.

Each WRITE, REWRITE and DELETE is one atomic, durable commit through a
rollback journal (fdatasync of the journal, then of each file changed: two
for a REWRITE that leaves the keys alone): kill -9 or power loss at any
moment leaves the previous or the new state, and the next OPEN recovers.  A truncated or
foreign file at OPEN gives a status (9/161 not an indexed file, 9/041 corrupt
index, 9/043 index missing), never an exception.

``Status.code`` is the textual code; ``Status.raw`` the two bytes for a
``PIC XX`` FILE STATUS item (9/065 -> b"9" + bytes([65])).
"""

from fakees.isam.engine import IndexedFile
from fakees.isam.spec import KeySpec
from fakees.isam.status import Status

__all__ = ["IndexedFile", "KeySpec", "Status"]
