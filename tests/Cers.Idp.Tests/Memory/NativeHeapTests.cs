using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Cers.Idp.Tests.Memory;

/// <summary>What the C allocator keeps after a burst of native work is handed back by the idle trim (glibc on Linux).</summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void Freed_native_memory_is_handed_back_to_the_system_on_linux()
    {
        // 32 MiB in blocks small enough to come from the allocator's heap rather than mmap, as SQLite's pages do, then freed.
        var blocks = Enumerable.Range(0, 512).Select(_ => Marshal.AllocHGlobal(64 * 1024)).ToList();
        foreach (var block in blocks)
        {
            Marshal.WriteByte(block, 1);
        }

        blocks.ForEach(Marshal.FreeHGlobal);

        // glibc's malloc_trim says whether it released anything; elsewhere the trim does nothing.
        NativeHeap.Trim().ShouldBe(OperatingSystem.IsLinux());
    }
}
