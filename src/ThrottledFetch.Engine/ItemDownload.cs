using System;
using System.Collections.Concurrent;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using ThrottledFetch.Engine.Files;
using ThrottledFetch.Engine.Http;
using ThrottledFetch.Engine.Retry;
using ThrottledFetch.Engine.Scheduling;

namespace ThrottledFetch.Engine
{
    /// <summary>
    /// Everything one item goes through: its target path and the existing-file rule, the attempts
    /// (each holding a gate slot only while it talks to the server), the checks, and the rename into place.
    /// </summary>
    internal sealed class ItemDownload
    {
        private readonly DownloadOptions options;
        private readonly ConnectionGate gate;
        private readonly TransferAttempt attempt;
        private readonly ResiliencePipeline<AttemptOutcome> retry;
        private readonly PathClaims claims = new PathClaims();
        private readonly ConcurrentDictionary<long, TransferProgress> active;
        private readonly ItemWindow window;

        public ItemDownload(DownloadOptions options, ConnectionGate gate, TransferAttempt attempt, ResiliencePipeline<AttemptOutcome> retry, ConcurrentDictionary<long, TransferProgress> active, ItemWindow window)
        {
            this.options = options;
            this.gate = gate;
            this.attempt = attempt;
            this.retry = retry;
            this.active = active;
            this.window = window;
        }

        /// <summary>
        /// The item waits for its next attempt (a backoff or a host pause): it leaves the window so new input
        /// keeps the slots busy, is no longer shown as a transfer, and keeps no file open while it waits (the
        /// next attempt opens its part again), so thousands of waiting items cost no handles.
        /// </summary>
        public void BeginWait(ItemState item)
        {
            // Off the transfers first: a progress update never shows it as both a transfer and waiting.
            active.TryRemove(item.Request.Id, out _);
            item.Part.Close();
            window.StartWaiting(item);
        }

        /// <summary>Runs the item to its end; null when the batch was cancelled (nothing is reported after a stop).</summary>
        public async Task<DownloadEvent?> RunAsync(DownloadRequest request, CancellationToken cancellationToken)
        {
            var started = options.TimeProvider.GetTimestamp();
            var uri = request.Uri;
            string finalPath;
            try
            {
                finalPath = TargetPath.Plan(request, options.Destination);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                return Failed(request, null, new DownloadError(DownloadErrorKind.InvalidFileName, $"No usable file name for '{uri}': {e.Message}", e), 0, started);
            }

            if (!claims.TryClaim(finalPath))
            {
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.NameCollision, $"'{uri}' maps to '{finalPath}', which an earlier item of this batch already writes; nothing was overwritten. Give it an -OutFile."), 0, started);
            }

            var hostKey = HostState.KeyOf(uri);
            if (RefusesAuthentication(uri))
            {
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.AuthenticationRefused, $"Refusing to send credentials to '{uri}' over unencrypted HTTP; use HTTPS or -AllowUnencryptedAuthentication."), 0, started);
            }

            // One stat tells both: a folder in the way, or a file already there.
            var existing = new FileInfo(finalPath);
            if (IsFolder(existing))
            {
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.ResourceExists, $"'{finalPath}' is a folder; '{uri}' cannot be saved there."), 0, started);
            }

            var part = new PartialFile(finalPath);
            var progress = new TransferProgress(request.Id, uri, finalPath);
            var item = new ItemState(request, hostKey, part, progress);
            if (existing.Exists)
            {
                if (options.ExistingFiles == ExistingFileMode.Skip)
                {
                    return Finished(request, new DownloadResult(uri, finalPath, DownloadStatus.Skipped, null, existing.Length, 0, Elapsed(started), null));
                }

                if (options.Resume)
                {
                    // Continue the file as Invoke-WebRequest -Resume does, but never grow it under its final name.
                    if (part.ExistingLength() == 0)
                    {
                        File.Move(finalPath, part.PartPath);
                        item.MovedFromFinal = true;
                    }
                }
                else if (options.ExistingFiles == ExistingFileMode.Fail)
                {
                    return Failed(request, finalPath, new DownloadError(DownloadErrorKind.ResourceExists, $"'{finalPath}' already exists; '{uri}' was not downloaded. Use -Force to replace it or -SkipExisting to keep it."), 0, started);
                }
            }

            try
            {
                return await DownloadAsync(item, finalPath, started, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                KeepOrDelete(item);
                return null;
            }
            catch (PartFileException e)
            {
                KeepOrDelete(item);
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.WriteFailed, e.Message, e.InnerException), item.Attempts, item.FirstRequestAt ?? started);
            }
            finally
            {
                part.Dispose();
                active.TryRemove(request.Id, out _);
            }
        }

        private async Task<DownloadEvent> DownloadAsync(ItemState item, string finalPath, long started, CancellationToken cancellationToken)
        {
            var request = item.Request;
            if (options.Resume && item.Part.ExistingLength() > 0)
            {
                item.Part.Open(append: true);
                item.AcceptsRanges = true;
                item.Validator = ResumeValidator.Read(item.Part.PartPath);
            }

            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            AttemptOutcome outcome;
            try
            {
                context.Properties.Set(RetryPipeline.Item, item);
                outcome = await retry.ExecuteAsync(
                    async (ctx, state) =>
                    {
                        state.Attempts++;

                        // Held back by a Retry-After pause of its host, it waits out of the window, as in a backoff
                        // (not yet shown as a transfer, so counting it is all there is to do).
                        using var lease = await gate.AcquireAsync(state.HostKey, ctx.CancellationToken, () => window.StartWaiting(state)).ConfigureAwait(false);
                        window.StopWaiting(state);
                        state.FirstRequestAt ??= options.TimeProvider.GetTimestamp();

                        // Shown as active (a progress child) while it holds a slot, not while it queues or waits.
                        active[state.Request.Id] = state.Progress;

                        var result = await attempt.RunAsync(state, ctx.CancellationToken).ConfigureAwait(false);
                        if (result.RetryAfter is TimeSpan wait && result.Transient)
                        {
                            // Pause the host before this slot is freed, so no queued request to it slips in.
                            gate.PauseHost(state.HostKey, options.TimeProvider.GetUtcNow() + wait);
                        }

                        return result;
                    },
                    context,
                    item).ConfigureAwait(false);
            }
            finally
            {
                // Cancelled in a backoff or at the gate: the item ends from the window.
                window.StopWaiting(item);
                ResilienceContextPool.Shared.Return(context);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!outcome.Succeeded)
            {
                KeepOrDelete(item);
                return Failed(request, finalPath, outcome.Error!, item.Attempts, item.FirstRequestAt ?? started);
            }

            return Finish(item, finalPath, outcome, item.FirstRequestAt ?? started);
        }

        private DownloadEvent Finish(ItemState item, string finalPath, AttemptOutcome outcome, long started)
        {
            var request = item.Request;
            var part = item.Part;
            if (!part.IsOpen && !File.Exists(part.PartPath))
            {
                part.Open(append: false); // an empty body still makes a file
            }

            part.Close();
            var target = finalPath;
            if (request.OutFile == null && SafeFileName.Reduce(outcome.ServerFileName) is string serverName)
            {
                try
                {
                    target = TargetPath.InFolder(Path.GetDirectoryName(finalPath)!, serverName);
                }
                catch (ArgumentException)
                {
                    target = finalPath;
                }

                if (!PathsEqual(target, finalPath) && !claims.TryClaim(target))
                {
                    part.Delete();
                    return Failed(request, target, new DownloadError(DownloadErrorKind.NameCollision, $"'{request.Uri}' is named '{serverName}' by the server, which an earlier item of this batch already wrote; nothing was overwritten."), item.Attempts, started);
                }
            }

            if (request.ExpectedHash != null)
            {
                var actual = Sha256(part.PartPath);
                if (!string.Equals(actual, request.ExpectedHash, StringComparison.OrdinalIgnoreCase))
                {
                    part.Delete();
                    ResumeValidator.Delete(part.PartPath);
                    return Failed(request, target, new DownloadError(DownloadErrorKind.HashMismatch, $"'{request.Uri}' has SHA-256 {actual}, not the expected {request.ExpectedHash}; the file was not kept."), item.Attempts, started);
                }
            }

            if (options.ExistingFiles == ExistingFileMode.Skip && !PathsEqual(target, finalPath) && File.Exists(target))
            {
                part.Delete();
                return Finished(request, new DownloadResult(request.Uri, target, DownloadStatus.Skipped, outcome.StatusCode, new FileInfo(target).Length, item.Attempts, Elapsed(started), null));
            }

            var length = part.Length > 0 ? part.Length : new FileInfo(part.PartPath).Length;
            try
            {
                part.MoveIntoPlace(target, overwrite: options.ExistingFiles == ExistingFileMode.Overwrite || (options.Resume && PathsEqual(target, finalPath)));
            }
            catch (FileExistsException e)
            {
                part.Delete();
                return Failed(request, target, new DownloadError(DownloadErrorKind.ResourceExists, $"'{e.Path}' already exists; '{request.Uri}' was not kept. Use -Force to replace it or -SkipExisting to keep it."), item.Attempts, started);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                part.Delete();
                return Failed(request, target, new DownloadError(DownloadErrorKind.WriteFailed, $"Cannot move '{part.PartPath}' to '{target}': {e.Message}", e), item.Attempts, started);
            }

            if (options.Resume)
            {
                ResumeValidator.Delete(part.PartPath);
            }

            return Finished(request, new DownloadResult(request.Uri, target, DownloadStatus.Completed, outcome.StatusCode, length, item.Attempts, Elapsed(started), null));
        }

        private void KeepOrDelete(ItemState item)
        {
            if (item.MovedFromFinal && !item.PartChanged)
            {
                // Nothing was added: give the user's file back its name, as if nothing had happened.
                item.Part.Close();
                try
                {
                    File.Move(item.Part.PartPath, item.Part.FinalPath);
                    return;
                }
                catch (IOException)
                {
                }
            }

            if (options.Resume && item.Part.Length > 0)
            {
                item.Part.Close();
                ResumeValidator.Write(item.Part.PartPath, item.Validator);
                return;
            }

            item.Part.Delete();
            ResumeValidator.Delete(item.Part.PartPath);
        }

        private bool RefusesAuthentication(Uri uri) =>
            (options.Credential != null || options.Token != null)
            && !options.AllowUnencryptedAuthentication
            && !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);

        private DownloadEvent Failed(DownloadRequest request, string? path, DownloadError error, int attempts, long started)
        {
            var result = new DownloadResult(request.Uri, path, DownloadStatus.Failed, error.StatusCode, 0, attempts, Elapsed(started), error.Message);
            return DownloadEvent.Finished(request, result, error);
        }

        private static DownloadEvent Finished(DownloadRequest request, DownloadResult result) => DownloadEvent.Finished(request, result);

        private TimeSpan Elapsed(long started) => options.TimeProvider.GetElapsedTime(started);

        // Attributes are -1 when nothing is there; the stat is cached for Exists and Length.
        private static bool IsFolder(FileInfo info)
        {
            try
            {
                var attributes = info.Attributes;
                return (int)attributes != -1 && (attributes & FileAttributes.Directory) != 0;
            }
            catch (IOException)
            {
                return false;
            }
        }

        private static bool PathsEqual(string a, string b) => string.Equals(a, b, PathClaims.Comparison);

        private static string Sha256(string path)
        {
            using var sha = SHA256.Create();
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 128 * 1024);
            var hash = sha.ComputeHash(stream);
            var builder = new System.Text.StringBuilder(hash.Length * 2);
            foreach (var b in hash)
            {
                builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return builder.ToString();
        }
    }
}
