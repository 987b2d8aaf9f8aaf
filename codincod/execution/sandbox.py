"""The embedded runner's launcher: started by the server for each run, it walls the program in,
then runs it. Standard library only, and run as a script (``python -I -S sandbox.py CONFIG``),
so that nothing of the server's process is in it.

In order:

1. every inherited descriptor but stdin, stdout and stderr is closed (uvloop's subprocess
   launch passes the server's on, its listening socket and database connections included);
2. the launcher joins the run's cgroups (when the server made them), so the run's processes
   together stay within its memory and process limits;
3. the code is read from a file only root can read, and that file is removed;
4. where the host allows, new namespaces: mount (a read-only root of its own holding only the
   interpreter's folders, ``/dev/null``, ``/dev/zero``, ``/dev/urandom``, a private ``/proc``
   and an empty ``/tmp``), PID (the run sees only its own processes, and all of them die with
   the run), network (no interfaces: no server port, no database) and IPC; a user namespace
   when not started as root;
5. the program runs as the run's own uid (when root), with resource limits, in a working folder
   that only it can read, with an empty environment.

The launcher reports how the program ended by ending the same way (exit code or signal), so the
server reads it as if it had started the program itself. ``--probe`` instead prints which
layers this host allows, as JSON.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import shutil
import signal
import struct
import sys
import tempfile
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 0x4000, 1 << 18
MNT_DETACH = 2
SYS_PIVOT_ROOT = 155
PR_SET_PDEATHSIG = 1
DEVICES = ("null", "zero", "urandom", "random")
WORKDIR = "/tmp/run"

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def close_inherited() -> None:
    """Close every descriptor above 2, whatever opened it."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2:
            with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
                os.close(fd)


def join_groups(procs_files: list[str]) -> None:
    """Into the run's cgroups, before anything else: every process the run makes is counted
    together against its memory and process limits."""
    for path in procs_files:
        with open(path, "w") as handle:
            handle.write(str(os.getpid()))


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def map_own_user() -> None:
    """In a new user namespace, map our uid and gid onto themselves."""
    uid, gid = os.getuid(), os.getgid()
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")


def namespace_flags(as_root: bool) -> int:
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    return flags if as_root else flags | CLONE_NEWUSER


def enter_namespaces(as_root: bool) -> None:
    unshare(namespace_flags(as_root))
    if not as_root:
        map_own_user()


def private_filesystems(tmpfs_bytes: int, system: list[str]) -> None:
    """In the new mount namespace (we are its PID 1): a root of our own, read-only, that holds
    only what a program needs to run (``system``: the interpreter's folders), ``/dev``'s
    harmless devices, our own ``/proc`` and an empty ``/tmp``. The host's ``/etc``, home
    folders, project checkout and sockets are not there to be read."""
    mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_bytes},mode=0755")
    root = "/tmp/root"
    os.mkdir(root)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for path in _system_paths(system):
        _bind_read_only(path, root + path)
    _devices(root)
    os.mkdir(root + "/proc")
    # hidepid=2: the program sees its own processes only, not this launcher (PID 1, root),
    # whose command line names the host's paths and the run's limits.
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
    os.mkdir(root + "/tmp")
    mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_bytes},mode=1777")
    _enter_root(root)


def _system_paths(system: list[str]) -> list[str]:
    """The folders to show, outermost first, without one that another already holds."""
    paths: list[str] = []
    for path in sorted({os.path.realpath(p) for p in system if os.path.isdir(p)}):
        if not any(path == kept or path.startswith(kept + "/") for kept in paths):
            paths.append(path)
    return paths


def _bind_read_only(source: str, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    mount(source, target, None, MS_BIND | MS_REC, None)
    # Flags the mount already has must be kept (a user namespace cannot drop them).
    kept = os.statvfs(source).f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount("none", target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | kept, None)


def _devices(root: str) -> None:
    os.mkdir(root + "/dev")
    for name in DEVICES:
        target = f"{root}/dev/{name}"
        open(target, "w").close()
        mount(f"/dev/{name}", target, None, MS_BIND, None)
    for name, where in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0")):
        os.symlink(where, f"{root}/dev/{name}")
    os.symlink("/proc/self/fd/1", f"{root}/dev/stdout")
    os.symlink("/proc/self/fd/2", f"{root}/dev/stderr")
    # The host's merged-/usr links (/bin -> usr/bin, /lib64 -> usr/lib64), as they are.
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        if os.path.islink("/" + name) and not os.path.exists(f"{root}/{name}"):
            os.symlink(os.readlink("/" + name), f"{root}/{name}")


def _enter_root(root: str) -> None:
    """pivot_root into ``root``, drop the host's tree, and make the new root read-only."""
    old = root + "/.host"
    os.mkdir(old)
    _check(_libc.syscall(SYS_PIVOT_ROOT, root.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _check(_libc.umount2(b"/.host", MNT_DETACH), "umount the host's root")
    os.rmdir("/.host")
    mount("none", "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def write_program(code: bytes, uid: int | None) -> str:
    os.makedirs(WORKDIR, mode=0o700)
    main = os.path.join(WORKDIR, "main.py")
    with open(main, "wb") as handle:
        handle.write(code)
    if uid is not None:
        os.chown(WORKDIR, uid, uid)
        os.chown(main, uid, uid)
    return main


# --- the system-call filter ----------------------------------------------------------------------
# A seccomp filter, written as classic BPF: the program may not create namespaces (a user
# namespace would let it mount a tmpfs beyond its memory limit), mount, trace, keep data in
# the kernel's keyrings or System V IPC (they outlive a run, and uids are reused), reach other
# processes (pidfd, process_vm, kcmp) or use io_uring. x86-64 only; elsewhere the
# other layers stand alone.
AUDIT_ARCH_X86_64 = 0xC000003E
SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
EPERM, ENOSYS = 1, 38
SYS_CLONE, SYS_CLONE3 = 56, 435
DENIED = {
    # System V IPC: queues, shared memory and semaphores outlive the run and escape its limits.
    29: "shmget",
    30: "shmat",
    31: "shmctl",
    64: "semget",
    65: "semop",
    66: "semctl",
    67: "shmdt",
    68: "msgget",
    69: "msgsnd",
    70: "msgrcv",
    71: "msgctl",
    101: "ptrace",
    103: "syslog",
    135: "personality",
    155: "pivot_root",
    161: "chroot",
    163: "acct",
    165: "mount",
    166: "umount2",
    167: "swapon",
    168: "swapoff",
    169: "reboot",
    175: "init_module",
    176: "delete_module",
    220: "semtimedop",
    240: "mq_open",
    241: "mq_unlink",
    242: "mq_timedsend",
    243: "mq_timedreceive",
    244: "mq_notify",
    245: "mq_getsetattr",
    246: "kexec_load",
    248: "add_key",
    249: "request_key",
    250: "keyctl",
    272: "unshare",
    278: "vmsplice",
    298: "perf_event_open",
    303: "name_to_handle_at",
    304: "open_by_handle_at",
    308: "setns",
    310: "process_vm_readv",
    311: "process_vm_writev",
    312: "kcmp",
    313: "finit_module",
    320: "kexec_file_load",
    321: "bpf",
    323: "userfaultfd",
    # io_uring: a large kernel surface that sandboxes close, and a way around this filter.
    424: "pidfd_send_signal",
    425: "io_uring_setup",
    426: "io_uring_enter",
    427: "io_uring_register",
    428: "open_tree",
    429: "move_mount",
    430: "fsopen",
    431: "fsconfig",
    432: "fsmount",
    433: "fspick",
    434: "pidfd_open",
    438: "pidfd_getfd",
    440: "process_madvise",
    442: "mount_setattr",
    447: "memfd_secret",
}
NAMESPACE_FLAGS = (
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
) | 0x02000000  # CLONE_NEWCGROUP


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter_program() -> bytes:
    load, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06
    ops = [_op(load, 4), _op(jeq, AUDIT_ARCH_X86_64, jt=1), _op(ret, SECCOMP_RET_KILL_PROCESS)]
    ops.append(_op(load, 0))
    for number in DENIED:
        ops += [_op(jeq, number, jf=1), _op(ret, SECCOMP_RET_ERRNO | EPERM)]
    # clone3 hides its flags in memory: "not here" makes libc fall back to clone, checked below.
    ops += [_op(jeq, SYS_CLONE3, jf=1), _op(ret, SECCOMP_RET_ERRNO | ENOSYS)]
    ops += [_op(jeq, SYS_CLONE, jf=3), _op(load, 16), _op(jset, NAMESPACE_FLAGS, jf=1)]
    ops += [_op(ret, SECCOMP_RET_ERRNO | EPERM), _op(ret, SECCOMP_RET_ALLOW)]
    return b"".join(ops)


def install_syscall_filter() -> bool:
    """No new privileges (setuid programs stay unprivileged), then the filter."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if os.uname().machine != "x86_64":
        return False
    program = _filter_program()
    buffer = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program) // 8, ctypes.addressof(buffer))
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")
    return True


def limit_and_drop(config: dict[str, Any]) -> None:
    """In the program's process, just before exec."""
    cpu = config["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (config["memory_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (config["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    uid = config.get("uid")
    if uid is not None:
        # Root ignores RLIMIT_NPROC; the run's own uid makes it hold, for this run alone.
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (config["processes"],) * 2)
    install_syscall_filter()


def start_program(config: dict[str, Any], main: str) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(os.path.dirname(main))
            limit_and_drop(config)
            python = config["python"]
            os.execve(python, [python, "-I", "-B", main], {})
        except BaseException as error:
            os.write(2, f"the runner could not start the program: {error}\n".encode())
        os._exit(127)
    return pid


def wait_for(program: int) -> int:
    """Reap every child until the program itself ends; its wait status."""
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == program:
            return status


def report(status: int, channel: int) -> None:
    os.write(channel, str(status).encode())


def run_as_init(config: dict[str, Any], code: bytes, channel: int) -> None:
    """PID 1 of the run's namespace. When it ends, the kernel kills what else is left."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    private_filesystems(config["tmpfs_bytes"], config["system"])
    main = write_program(code, config.get("uid"))
    report(wait_for(start_program(config, main)), channel)
    os._exit(0)


def end_like(status: int) -> None:
    """End the launcher the way the program ended."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sig not in (signal.SIGKILL, signal.SIGSTOP):  # those two cannot be handled anyway
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def run_isolated(config: dict[str, Any], code: bytes) -> None:
    enter_namespaces(os.geteuid() == 0)
    reader, writer = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(reader)
        try:
            run_as_init(config, code, writer)
        except BaseException as error:
            os.write(2, f"the runner could not set up the sandbox: {error}\n".encode())
        os._exit(127)
    os.close(writer)
    os.waitpid(init, 0)
    status = os.read(reader, 32)
    end_like(int(status) if status else 127 << 8)


def run_plain(config: dict[str, Any], code: bytes) -> None:
    """No namespaces here: limits, the run's uid and a private folder only."""
    folder = tempfile.mkdtemp(prefix="codincod-run-")
    main = os.path.join(folder, "main.py")
    with open(main, "wb") as handle:
        handle.write(code)
    uid = config.get("uid")
    if uid is not None:
        os.chown(folder, uid, uid)
        os.chown(main, uid, uid)
    kill_all_of(uid)  # what an earlier run of this uid may have left
    status = wait_for(start_program(config, main))
    kill_all_of(uid)
    shutil.rmtree(folder, ignore_errors=True)
    end_like(status)


def kill_all_of(uid: int | None) -> None:
    """Kill every process of ``uid``: a process of that uid sending SIGKILL to -1 does it."""
    if uid is None:
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # Linux spares the sender
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def probe() -> dict[str, Any]:
    """Which layers this host allows, tried for real in a throwaway child."""
    as_root = os.geteuid() == 0
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        try:
            enter_namespaces(as_root)
            inner = os.fork()
            if inner == 0:
                private_filesystems(1024 * 1024, ["/usr"])
                os._exit(0 if not os.path.exists("/etc") else 1)
            _, status = os.waitpid(inner, 0)
            os.write(writer, b"1" if status == 0 else b"0")
        except OSError:
            os.write(writer, b"0")
        os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    namespaces = os.read(reader, 1) == b"1"
    return {"namespaces": namespaces, "root": as_root}


def main() -> None:
    close_inherited()
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps(probe()))
        return
    config = json.loads(sys.argv[1])
    join_groups(config.get("cgroups") or [])
    with open(config["code_path"], "rb") as handle:
        code = handle.read()
    os.unlink(config["code_path"])
    if config["namespaces"]:
        run_isolated(config, code)
    else:
        run_plain(config, code)


if __name__ == "__main__":
    main()
