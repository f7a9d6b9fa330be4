using System.Linq;
using System.Collections.Generic;
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using ThrottledFetch.Engine.Scheduling;
using Xunit;

namespace ThrottledFetch.Engine.Tests.Scheduling
{
    /// <summary>
    /// The gate grants slots under a global and a per-host limit, a Retry-After pause and a rate. Time is
    /// fake; the gate completes a waiter's task under its lock, so "still waiting" can be asserted right
    /// after the operation, while a granted task is awaited with a timeout.
    /// </summary>
    public sealed class ConnectionGateTests
    {
        private const string HostA = "http://127.0.0.1:1001";
        private const string HostB = "http://127.0.0.1:1002";
        private const string HostC = "http://127.0.0.1:1003";
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

        private readonly FakeTimeProvider time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

        [Fact]
        public async Task GlobalLimit_GrantsExactlyThatManyAtOnce()
        {
            using var gate = new ConnectionGate(3, 0, 0, this.time);

            var first = Acquire(gate, HostA);
            var second = Acquire(gate, HostB);
            var third = Acquire(gate, HostA);
            var fourth = Acquire(gate, HostC);

            Assert.True(first.IsCompletedSuccessfully);
            Assert.True(second.IsCompletedSuccessfully);
            Assert.True(third.IsCompletedSuccessfully);
            Assert.False(fourth.IsCompleted);
            Assert.Equal(3, gate.Active);
            Assert.Equal(1, gate.Waiting);

            Granted(first).Dispose();

            using var granted = await fourth.WaitAsync(Timeout);
            Assert.Equal(3, gate.Active);
            Assert.Equal(0, gate.Waiting);
            Granted(second).Dispose();
            Granted(third).Dispose();
        }

        [Fact]
        public void Lease_DisposedTwice_FreesItsSlotOnce()
        {
            using var gate = new ConnectionGate(3, 0, 0, this.time);
            var first = Granted(Acquire(gate, HostA));
            Acquire(gate, HostA);

            first.Dispose();
            first.Dispose();

            Assert.Equal(1, gate.Active);
        }

        [Fact]
        public void PerHostLimit_WaiterForABusyHostHoldsNoGlobalSlot()
        {
            // Two global slots: if the waiter for A held one, B could not start.
            using var gate = new ConnectionGate(2, 1, 0, this.time);
            using var a1 = Granted(Acquire(gate, HostA));

            var a2 = Acquire(gate, HostA);
            var b1 = Acquire(gate, HostB);

            Assert.False(a2.IsCompleted);
            Assert.True(b1.IsCompletedSuccessfully);
            Assert.Equal(2, gate.Active);
            Assert.Equal(1, gate.Waiting);
            Granted(b1).Dispose();
        }

        [Fact]
        public async Task PerHostLimit_WaiterForABusyHostDoesNotBlockWaitersBehindIt()
        {
            using var gate = new ConnectionGate(2, 1, 0, this.time);
            var a1 = Granted(Acquire(gate, HostA));
            var a2 = Acquire(gate, HostA);
            var b1 = Granted(Acquire(gate, HostB));
            var c1 = Acquire(gate, HostC);
            Assert.False(c1.IsCompleted);
            Assert.Equal(2, gate.Waiting);

            b1.Dispose();

            using var c1Lease = await c1.WaitAsync(Timeout);
            Assert.False(a2.IsCompleted);
            Assert.Equal(2, gate.Active);
            Assert.Equal(1, gate.Waiting);

            a1.Dispose();

            using var a2Lease = await a2.WaitAsync(Timeout);
            Assert.Equal(2, gate.Active);
            Assert.Equal(0, gate.Waiting);
        }

        [Fact]
        public void PerHostLimit_GreaterThanGlobal_IsCappedByGlobal()
        {
            using var gate = new ConnectionGate(2, 5, 0, this.time);
            using var first = Granted(Acquire(gate, HostA));
            using var second = Granted(Acquire(gate, HostA));

            var third = Acquire(gate, HostA);

            Assert.False(third.IsCompleted);
            Assert.Equal(2, gate.Active);
        }

        [Fact]
        public async Task WaitersForOneHost_AreGrantedInArrivalOrder()
        {
            using var gate = new ConnectionGate(10, 1, 0, this.time);
            var holder = Granted(Acquire(gate, HostA));
            var second = Acquire(gate, HostA);
            var third = Acquire(gate, HostA);
            var fourth = Acquire(gate, HostA);

            holder.Dispose();
            var secondLease = await second.WaitAsync(Timeout);
            Assert.False(third.IsCompleted);
            Assert.False(fourth.IsCompleted);

            secondLease.Dispose();
            var thirdLease = await third.WaitAsync(Timeout);
            Assert.False(fourth.IsCompleted);

            thirdLease.Dispose();
            using var fourthLease = await fourth.WaitAsync(Timeout);
            Assert.Equal(1, gate.Active);
        }

        [Fact]
        public async Task WaitersForTheGlobalLimit_AreGrantedInArrivalOrder()
        {
            using var gate = new ConnectionGate(1, 0, 0, this.time);
            var holder = Granted(Acquire(gate, HostA));
            var b = Acquire(gate, HostB);
            var c = Acquire(gate, HostC);

            holder.Dispose();

            var bLease = await b.WaitAsync(Timeout);
            Assert.False(c.IsCompleted);
            bLease.Dispose();
            using var cLease = await c.WaitAsync(Timeout);
        }

        [Fact]
        public async Task CancelledWaiter_IsRemovedAndTakesNoSlot()
        {
            using var gate = new ConnectionGate(1, 0, 0, this.time);
            using var cancel = new CancellationTokenSource();
            var holder = Granted(Acquire(gate, HostA));
            var cancelled = Acquire(gate, HostA, cancel.Token);
            var behind = Acquire(gate, HostB);
            Assert.Equal(2, gate.Waiting);

            cancel.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
            Assert.Equal(1, gate.Waiting);
            Assert.Equal(1, gate.Active);

            holder.Dispose();

            using var behindLease = await behind.WaitAsync(Timeout);
            Assert.Equal(1, gate.Active);
            Assert.Equal(0, gate.Waiting);
        }

        [Fact]
        public async Task CancelledWaiter_LeavesTheCountsAsTheyWere()
        {
            using var gate = new ConnectionGate(1, 0, 0, this.time);
            using var cancel = new CancellationTokenSource();
            var holder = Granted(Acquire(gate, HostA));
            var cancelled = Acquire(gate, HostA, cancel.Token);

            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
            holder.Dispose();

            Assert.Equal(0, gate.Active);
            Assert.Equal(0, gate.Waiting);
            var next = Acquire(gate, HostA);
            Assert.True(next.IsCompletedSuccessfully);
            Assert.Equal(1, gate.Active);
        }

        [Fact]
        public void Acquire_AlreadyCancelled_ThrowsAndTakesNothing()
        {
            using var gate = new ConnectionGate(1, 0, 0, this.time);

            Assert.ThrowsAny<OperationCanceledException>(() => gate.AcquireAsync(HostA, new CancellationToken(canceled: true)));

            Assert.Equal(0, gate.Active);
            Assert.Equal(0, gate.Waiting);
        }

        [Fact]
        public async Task PausedHost_WaitsUntilThePauseEnds()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(10));

            var paused = Acquire(gate, HostA);
            Assert.False(paused.IsCompleted);

            this.time.Advance(TimeSpan.FromSeconds(10) - Tick);
            Assert.False(paused.IsCompleted);

            this.time.Advance(Tick);
            using var lease = await paused.WaitAsync(Timeout);
            Assert.Equal(1, gate.Active);
        }

        [Fact]
        public void PausedHost_OtherHostIsServedAtOnce()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(10));
            var paused = Acquire(gate, HostA);

            var other = Acquire(gate, HostB);

            Assert.True(other.IsCompletedSuccessfully);
            Assert.False(paused.IsCompleted);
            Granted(other).Dispose();
        }

        [Fact]
        public async Task PausedHost_HoldsNoSlot()
        {
            // One global slot: the waiter for the paused host must leave it to B.
            using var gate = new ConnectionGate(1, 0, 0, this.time);
            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(10));
            var paused = Acquire(gate, HostA);

            var other = Acquire(gate, HostB);

            Assert.True(other.IsCompletedSuccessfully);
            Assert.Equal(1, gate.Active);
            Assert.Equal(1, gate.Waiting);

            // The pause ends while B holds the only slot: A waits for the slot, not for time.
            this.time.Advance(TimeSpan.FromSeconds(11));
            Assert.False(paused.IsCompleted);

            Granted(other).Dispose();
            using var lease = await paused.WaitAsync(Timeout);
        }

        [Fact]
        public async Task Paused_IsToldOnce_ToWaitersHeldBackByAPause_QueuedBeforeOrAfterIt_AndNotToOthers()
        {
            using var gate = new ConnectionGate(1, 0, 0, this.time);
            var running = Granted(Acquire(gate, HostA));
            var told = new List<string>();
            var before = gate.AcquireAsync(HostA, CancellationToken.None, () => told.Add("before")).AsTask();
            var other = gate.AcquireAsync(HostB, CancellationToken.None, () => told.Add("other")).AsTask();
            Assert.Empty(told);

            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(10));
            var after = gate.AcquireAsync(HostA, CancellationToken.None, () => told.Add("after")).AsTask();
            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(20));

            Assert.Equal(new[] { "before", "after" }, told);
            running.Dispose();
            Granted(other).Dispose();
            this.time.Advance(TimeSpan.FromSeconds(20));
            (await before.WaitAsync(Timeout)).Dispose();
            using var lease = await after.WaitAsync(Timeout);
            Assert.Equal(new[] { "before", "after" }, told);
        }

        [Fact]
        public void Paused_IsNotTold_WhenThePauseIsOver()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(1));
            this.time.Advance(TimeSpan.FromSeconds(1));
            var told = false;

            var lease = gate.AcquireAsync(HostA, CancellationToken.None, () => told = true).AsTask();

            Granted(lease).Dispose();
            Assert.False(told);
        }

        [Fact]
        public async Task PauseHost_PausingWhileALeaseIsHeld_HoldsBackOnlyNewRequests()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            var running = Granted(Acquire(gate, HostA));

            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(5));
            var next = Acquire(gate, HostA);
            running.Dispose();

            Assert.False(next.IsCompleted);
            Assert.Equal(0, gate.Active);
            this.time.Advance(TimeSpan.FromSeconds(5));
            using var lease = await next.WaitAsync(Timeout);
        }

        [Fact]
        public async Task PauseHost_ShorterPauseDoesNotCutALongerOneShort()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            var start = this.time.GetUtcNow();
            gate.PauseHost(HostA, start + TimeSpan.FromSeconds(20));
            gate.PauseHost(HostA, start + TimeSpan.FromSeconds(5));
            var paused = Acquire(gate, HostA);

            this.time.Advance(TimeSpan.FromSeconds(20) - Tick);
            Assert.False(paused.IsCompleted);

            this.time.Advance(Tick);
            using var lease = await paused.WaitAsync(Timeout);
        }

        [Fact]
        public async Task PauseHost_ExtendedWhileAWaiterSleeps_WaitsForTheLaterTime()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            var start = this.time.GetUtcNow();
            gate.PauseHost(HostA, start + TimeSpan.FromSeconds(10));
            var paused = Acquire(gate, HostA);

            gate.PauseHost(HostA, start + TimeSpan.FromSeconds(30));
            this.time.Advance(TimeSpan.FromSeconds(10));
            Assert.False(paused.IsCompleted);

            this.time.Advance(TimeSpan.FromSeconds(20) - Tick);
            Assert.False(paused.IsCompleted);

            this.time.Advance(Tick);
            using var lease = await paused.WaitAsync(Timeout);
        }

        [Fact]
        public async Task PausedHost_AllWaitersAreReleasedWhenThePauseEnds()
        {
            using var gate = new ConnectionGate(4, 0, 0, this.time);
            gate.PauseHost(HostA, this.time.GetUtcNow() + TimeSpan.FromSeconds(3));
            var first = Acquire(gate, HostA);
            var second = Acquire(gate, HostA);

            this.time.Advance(TimeSpan.FromSeconds(3));

            using var firstLease = await first.WaitAsync(Timeout);
            using var secondLease = await second.WaitAsync(Timeout);
            Assert.Equal(2, gate.Active);
        }

        [Fact]
        public void Rate_FirstStartIsImmediateAndTheSecondWaitsForAToken()
        {
            using var gate = new ConnectionGate(4, 0, 2, this.time, manualReplenishment: true);

            var first = Acquire(gate, HostA);
            Assert.True(first.IsCompletedSuccessfully);
            Granted(first).Dispose();

            var second = Acquire(gate, HostA);

            Assert.False(second.IsCompleted);
            Assert.Equal(0, gate.Active);
            Assert.Equal(1, gate.Waiting);
        }

        // The token bucket refills by real elapsed time (System.Threading.RateLimiting takes no TimeProvider,
        // and its manual TryReplenish also adds only what the elapsed time earned), so the refill itself is
        // timed for real, with a margin; the tests above and below use manual mode, where no token ever comes.
        [Fact]
        public async Task Rate_StartsToOneHostFollowTheBucketsRefill()
        {
            using var gate = new ConnectionGate(4, 0, 20, TimeProvider.System);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var starts = new List<TimeSpan>();
            for (var i = 0; i < 5; i++)
            {
                using var lease = await Acquire(gate, HostA).WaitAsync(Timeout);
                starts.Add(clock.Elapsed);
            }

            // One token at first, then one per 1/20 s tick: five starts span at least three periods.
            var span = starts[starts.Count - 1] - starts[0];
            Assert.True(span >= TimeSpan.FromMilliseconds(140), $"five starts took only {span.TotalMilliseconds:0} ms");
        }

        [Fact]
        public async Task Rate_TokensDoNotPileUpBeyondOne()
        {
            // Capacity 1: however long the host was idle, only one start goes without waiting. The bucket
            // refills by real time (it takes no TimeProvider), so real time passes here: ten periods.
            using var gate = new ConnectionGate(4, 0, 20, TimeProvider.System);
            Granted(Acquire(gate, HostA)).Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(500));

            Granted(Acquire(gate, HostA)).Dispose();
            var third = Acquire(gate, HostA);

            Assert.False(third.IsCompleted, "a token piled up while the host was idle");
            (await third.WaitAsync(Timeout)).Dispose();
        }

        [Fact]
        public void Rate_IsPerHost()
        {
            using var gate = new ConnectionGate(4, 0, 2, this.time, manualReplenishment: true);
            using var a1 = Granted(Acquire(gate, HostA));
            var a2 = Acquire(gate, HostA);

            var b1 = Acquire(gate, HostB);

            Assert.False(a2.IsCompleted);
            Assert.True(b1.IsCompletedSuccessfully);
            Granted(b1).Dispose();
        }

        [Fact]
        public void Rate_WaiterForATokenHoldsNoSlot()
        {
            // One global slot: the waiter for A's next token must leave it to B.
            using var gate = new ConnectionGate(1, 0, 2, this.time, manualReplenishment: true);
            Granted(Acquire(gate, HostA)).Dispose();
            var a2 = Acquire(gate, HostA);

            var b1 = Acquire(gate, HostB);

            Assert.True(b1.IsCompletedSuccessfully);
            Assert.False(a2.IsCompleted);
            Assert.Equal(1, gate.Active);
            Granted(b1).Dispose();
        }

        [Fact]
        public async Task CancelWhileSlotsAreGranted_NeitherHangsNorLosesASlot()
        {
            // A cancellation racing the grants: disposing a registration waits for its callback, which takes
            // the gate's lock, so grants must never do that under the lock.
            for (var round = 0; round < 50; round++)
            {
                using var gate = new ConnectionGate(2, 0, 0, this.time);
                using var cancellation = new CancellationTokenSource();
                var held = new[] { Granted(Acquire(gate, HostA)), Granted(Acquire(gate, HostB)) };
                var waiting = Enumerable.Range(0, 20).Select(i => Acquire(gate, i % 2 == 0 ? HostA : HostC, cancellation.Token)).ToList();

                var cancel = Task.Run(() => cancellation.Cancel());
                var release = Task.Run(() =>
                {
                    foreach (var lease in held)
                    {
                        lease.Dispose();
                    }
                });
                await Task.WhenAll(cancel, release).WaitAsync(Timeout);
                await Task.WhenAll(waiting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(Timeout);

                var granted = waiting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
                Assert.Equal(granted.Count, gate.Active);
                Assert.Equal(0, gate.Waiting);
                foreach (var lease in granted)
                {
                    lease.Dispose();
                }

                Assert.Equal(0, gate.Active);
            }
        }

        private static GateLease Granted(Task<GateLease> task)
        {
            Assert.True(task.IsCompletedSuccessfully, "the lease was not granted at once");
            return task.Result;
        }

        private static Task<GateLease> Acquire(ConnectionGate gate, string host, CancellationToken cancellationToken = default) =>
            gate.AcquireAsync(host, cancellationToken).AsTask();
    }
}
