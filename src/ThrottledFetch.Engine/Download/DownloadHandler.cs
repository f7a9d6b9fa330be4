using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ThrottledFetch.Engine.Batching;
using DownloadEvent = ThrottledFetch.Engine.BatchEvent<ThrottledFetch.DownloadResult>;

namespace ThrottledFetch.Engine.Download
{
    /// <summary>
    /// The download handler: an item's target path and the existing-file rule, the names it claims, its
    /// part file and resume, then (through the item runner) the attempts, the checks and the rename into place.
    /// </summary>
    internal sealed class DownloadHandler : IItemHandler<DownloadRequest, DownloadResult>
    {
        private readonly DownloadOptions options;
        private readonly SessionOptions session;
        private readonly DownloadAttempt attempt;
        private readonly PathClaims claims = new PathClaims();
        private readonly RepeatedItems repeats = new RepeatedItems();

        public DownloadHandler(HttpSession session, DownloadOptions options)
        {
            this.options = options ?? throw new System.ArgumentNullException(nameof(options));
            this.session = session.Options;
            attempt = new DownloadAttempt(session, options);
        }

        /// <summary>Runs the item to its end; null when the batch was cancelled (nothing is reported after a stop).</summary>
        public async Task<DownloadEvent?> RunAsync(DownloadRequest request, ItemRunner runner, CancellationToken cancellationToken)
        {
            var started = runner.Time.GetTimestamp();
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

            var earlier = repeats.Check(request);
            if (earlier != null)
            {
                return Repeat(request, finalPath, await earlier.ConfigureAwait(false), runner, started);
            }

            if (RefusesAuthentication(uri))
            {
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.AuthenticationRefused, $"Refusing to send credentials to '{uri}' over unencrypted HTTP."), 0, started);
            }

            // One lstat tells all: a folder in the way, a link, or a file already there.
            var existing = new FileInfo(finalPath);
            var attributes = AttributesOf(existing);
            if (attributes is FileAttributes found && (found & FileAttributes.Directory) != 0)
            {
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.ResourceExists, $"'{finalPath}' is a folder; '{uri}' cannot be saved there."), 0, started);
            }

            var part = new PartialFile(finalPath, uri, mayBeUnnamed: !options.Resume && options.ExistingFiles != ExistingFileMode.Overwrite);
            if (!claims.TryClaimPart(part.PartPath))
            {
                return Failed(request, finalPath, new DownloadError(DownloadErrorKind.NameCollision, $"'{uri}' would write its part file '{part.PartPath}', a name another item of this batch saves; nothing was overwritten."), 0, started);
            }

            var progress = new TransferProgress(request.Id, uri, finalPath);
            var item = new ItemState(request, part, progress, ClaimName);
            try
            {
                if (attributes != null)
                {
                    if (options.ExistingFiles == ExistingFileMode.Skip)
                    {
                        return Finished(request, new DownloadResult(uri, finalPath, DownloadStatus.Skipped, null, existing.Length, 0, Elapsed(started), null, request.Input));
                    }

                    var isLink = (attributes.Value & FileAttributes.ReparsePoint) != 0;
                    if (options.Resume && !isLink)
                    {
                        // Continue the file as Invoke-WebRequest -Resume does, but never grow it under its final
                        // name, and only if the server confirms (If-Range: its time) that it is this version.
                        // A link under the final name is never continued: its target is not ours.
                        if (!part.OpenExisting())
                        {
                            File.Move(finalPath, part.PartPath);
                            item.MovedFromFinal = true;
                            item.Validator = new ResumeValidator(existing.LastWriteTimeUtc.ToString("R", CultureInfo.InvariantCulture), null);
                        }
                    }
                    else if (options.ExistingFiles == ExistingFileMode.Fail)
                    {
                        return Failed(request, finalPath, new DownloadError(DownloadErrorKind.ResourceExists, $"'{finalPath}' already exists; '{uri}' was not downloaded."), 0, started);
                    }
                }

                if (request.OutFile != null && ClaimName(item, null) is DownloadError collision)
                {
                    KeepOrDelete(item);
                    return Failed(request, finalPath, collision, 0, started);
                }

                return await DownloadAsync(item, runner, started, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                KeepOrDelete(item);
                return null;
            }
            catch (PartFileException e)
            {
                KeepOrDelete(item);
                return Failed(item, new DownloadError(DownloadErrorKind.WriteFailed, $"'{uri}' could not be written: {e.Message}", e.InnerException), item.FirstRequestAt ?? started);
            }
            finally
            {
                part.Dispose();
                claims.ReleasePart(part.PartPath);
            }
        }

        /// <summary>The batch queued this item's result: its repeats may now report theirs.</summary>
        public void Ended(DownloadRequest request, DownloadResult? result) => repeats.Ended(request, result);

        public DownloadResult Unexpected(DownloadRequest request, DownloadError error) =>
            new DownloadResult(request.Uri, null, DownloadStatus.Failed, null, 0, 0, System.TimeSpan.Zero, error.Message, request.Input);

        private async Task<DownloadEvent> DownloadAsync(ItemState item, ItemRunner runner, long started, CancellationToken cancellationToken)
        {
            if (options.Resume)
            {
                OpenForResume(item);
            }

            var outcome = await runner.RunAsync(item, attempt.RunAsync, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (!outcome.Succeeded)
            {
                KeepOrDelete(item);
                return Failed(item, outcome.Error!, item.FirstRequestAt ?? started);
            }

            return Finish(item, item.FirstRequestAt ?? started);
        }

        // A part is continued only with what identifies its version; without it, it starts over.
        private void OpenForResume(ItemState item)
        {
            var part = item.Part;
            if (!part.IsOpen && !Store(part, p => p.OpenExisting()))
            {
                return;
            }

            if (!item.MovedFromFinal)
            {
                item.Validator = ResumeValidator.Read(part.PartPath);
            }

            if (item.Validator == null || part.Length == 0)
            {
                Store(part, p =>
                {
                    p.Restart();
                    return true;
                });
                item.Validator = null;
                return;
            }

            item.AcceptsRanges = true;
        }

        private DownloadEvent Finish(ItemState item, long started)
        {
            var request = item.Request;
            var part = item.Part;
            // An empty body still makes a file; a part closed while its item waited is opened again.
            Store(part, p =>
            {
                p.EnsureOpen();
                return true;
            });

            if (!item.FinalClaimed && ClaimName(item, null) is DownloadError collision)
            {
                part.Delete();
                return Failed(item, collision, started);
            }

            var target = item.FinalPath;
            if (request.ExpectedHash != null)
            {
                var actual = part.Sha256();
                if (!string.Equals(actual, request.ExpectedHash, StringComparison.OrdinalIgnoreCase))
                {
                    part.Delete();
                    ResumeValidator.Delete(part.PartPath);
                    return Failed(item, new DownloadError(DownloadErrorKind.HashMismatch, $"'{request.Uri}' has SHA-256 {actual}, not the expected {request.ExpectedHash}; the file was not kept."), started);
                }
            }

            var planned = part.FinalPath;
            if (options.ExistingFiles == ExistingFileMode.Skip && !PathClaims.SamePath(target, planned) && File.Exists(target))
            {
                part.Delete();
                ResumeValidator.Delete(part.PartPath);
                return Finished(request, new DownloadResult(request.Uri, target, DownloadStatus.Skipped, item.LastStatusCode, new FileInfo(target).Length, item.Attempts, Elapsed(started), null, request.Input));
            }

            if (item.ServerModified is DateTimeOffset modified)
            {
                part.SetModified(modified);
            }

            var length = part.Length;
            try
            {
                part.MoveIntoPlace(target, overwrite: options.ExistingFiles == ExistingFileMode.Overwrite || (options.Resume && PathClaims.SamePath(target, planned)));
            }
            catch (FileExistsException e)
            {
                part.Delete();
                ResumeValidator.Delete(part.PartPath);
                return Failed(item, new DownloadError(DownloadErrorKind.ResourceExists, $"'{e.Path}' already exists; '{request.Uri}' was not kept."), started);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                part.Delete();
                ResumeValidator.Delete(part.PartPath);
                return Failed(item, new DownloadError(DownloadErrorKind.WriteFailed, $"'{request.Uri}' could not be saved as '{target}': {e.Message}", e), started);
            }

            if (options.Resume)
            {
                ResumeValidator.Delete(part.PartPath);
            }

            return Finished(request, new DownloadResult(request.Uri, target, DownloadStatus.Completed, item.LastStatusCode, length, item.Attempts, Elapsed(started), null, request.Input));
        }

        /// <summary>
        /// Claims the item's final name once it is known: the server's name (Content-Disposition) when the
        /// user gave no OutFile, else the planned one. Null when the name is now this item's.
        /// </summary>
        private DownloadError? ClaimName(ItemState item, string? serverFileName)
        {
            if (item.FinalClaimed)
            {
                return null;
            }

            var planned = item.Part.FinalPath;
            var target = planned;
            if (item.Request.OutFile == null && SafeFileName.FromServer(serverFileName) is string serverName)
            {
                try
                {
                    target = TargetPath.InFolder(Path.GetDirectoryName(planned)!, serverName);
                }
                catch (ArgumentException)
                {
                    target = planned;
                }
            }

            if (!claims.TryClaimFinal(target))
            {
                return new DownloadError(DownloadErrorKind.NameCollision, $"'{item.Request.Uri}' would be saved as '{target}', a name another item of this batch writes; nothing was overwritten.", null, item.LastStatusCode);
            }

            item.FinalPath = target;
            item.Progress.Path = target;
            item.FinalClaimed = true;
            return null;
        }

        // A repeat is fetched once: its result follows the original's.
        private DownloadEvent Repeat(DownloadRequest request, string plannedPath, RepeatedItems.Earlier earlier, ItemRunner runner, long started)
        {
            var original = earlier.Result;
            if (earlier.Succeeded)
            {
                runner.Verbose($"'{request.Uri}' repeats an earlier item of this batch; it was fetched once.");
                var path = original?.Path ?? plannedPath;
                var length = original?.Length ?? LengthOrZero(path);
                return Finished(request, new DownloadResult(request.Uri, path, DownloadStatus.Skipped, original?.StatusCode, length, 0, Elapsed(started), null, request.Input));
            }

            var error = new DownloadError(
                DownloadErrorKind.RepeatOfFailed,
                $"'{request.Uri}' repeats an earlier item of this batch, which failed" + (original?.Error != null ? ": " + original.Error : "; see its error."),
                null,
                original?.StatusCode);
            var failed = new DownloadResult(request.Uri, original?.Path ?? plannedPath, DownloadStatus.Failed, error.StatusCode, 0, 0, Elapsed(started), error.Message, request.Input);
            return DownloadEvent.Finished(request, failed, error);
        }

        private void KeepOrDelete(ItemState item)
        {
            var part = item.Part;
            if (item.MovedFromFinal && !item.PartChanged)
            {
                // Nothing was added: give the user's file back its name, as if nothing had happened.
                part.Close();
                try
                {
                    File.Move(part.PartPath, part.FinalPath);
                    ResumeValidator.Delete(part.PartPath);
                    return;
                }
                catch (IOException)
                {
                }
            }

            if (options.Resume && part.Length > 0)
            {
                // Kept with the validator written before its first byte (or none, and then restarted next time).
                part.Close();
                return;
            }

            part.Delete();
            ResumeValidator.Delete(part.PartPath);
        }

        private bool RefusesAuthentication(Uri uri) => Http.UnencryptedAuthentication.IsRefused(session, uri);

        private DownloadEvent Failed(DownloadRequest request, string? path, DownloadError error, int attempts, long started)
        {
            var result = new DownloadResult(request.Uri, path, DownloadStatus.Failed, error.StatusCode, 0, attempts, Elapsed(started), error.Message, request.Input);
            return DownloadEvent.Finished(request, result, error);
        }

        // A response that came is named in the result, whatever failed after it (a write, a rename).
        private DownloadEvent Failed(ItemState item, DownloadError error, long started)
        {
            var status = error.StatusCode ?? item.LastStatusCode;
            var result = new DownloadResult(item.Request.Uri, item.FinalPath, DownloadStatus.Failed, status, 0, item.Attempts, Elapsed(started), error.Message, item.Request.Input);
            return DownloadEvent.Finished(item.Request, result, error);
        }

        private static DownloadEvent Finished(DownloadRequest request, DownloadResult result) => DownloadEvent.Finished(request, result);

        private TimeSpan Elapsed(long started) => session.TimeProvider.GetElapsedTime(started);

        // Attributes are -1 when nothing is there; on Unix the lstat marks a symbolic link ReparsePoint.
        private static FileAttributes? AttributesOf(FileInfo info)
        {
            try
            {
                var attributes = info.Attributes;
                return (int)attributes == -1 ? (FileAttributes?)null : attributes;
            }
            catch (IOException)
            {
                return null;
            }
        }

        private static long LengthOrZero(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? info.Length : 0;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        // File errors are wrapped so that the item fails as a write failure naming its URL.
        private static bool Store(PartialFile part, Func<PartialFile, bool> action)
        {
            try
            {
                return action(part);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PartFileException(part.PartPath, e);
            }
        }
    }
}
