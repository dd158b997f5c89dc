using Microsoft.Extensions.Logging;

namespace StellaOps.Ops.Hsm;

// Connection state, its history and the last error.
public sealed partial class HsmConnection
{
    // ---------------------------------------------------------------- state

    private void SetState(HsmConnectionState to, string reason)
    {
        HsmStateTransition<HsmConnectionState>? t = null;
        lock (_stateLock)
        {
            if (_state != to || (to == HsmConnectionState.Down && _stateReason != reason && _history.Count == 0))
            {
                t = new HsmStateTransition<HsmConnectionState>(_time.GetUtcNow(), _state, to, reason);
                _history.Enqueue(t);
                while (_history.Count > Math.Max(1, _options.HistoryCapacity))
                {
                    _history.Dequeue();
                }
            }

            _state = to;
            _stateReason = reason;
            if (to == HsmConnectionState.Connected)
            {
                // Healthy again: an error from before the recovery is history (kept in History), not the member's last error.
                _lastError = null;
                _lastErrorAt = null;
            }
        }

        if (t is not null)
        {
            // Going down is an outage (error); recovering is information.
            var level = to == HsmConnectionState.Down ? LogLevel.Error : LogLevel.Information;
            _log.Log(level, "HSM {Name}: {From} -> {To}: {Reason}", Name, t.From, t.To, reason);
            StateChanged?.Invoke(this, new HsmStateChangedEventArgs(Name, t));
        }
    }

    private void NoteError(HsmException e)
    {
        lock (_stateLock)
        {
            _lastError = $"{e.Kind}{(e.Ckr is null ? "" : " " + e.Ckr)}: {e.Message}";
            _lastErrorAt = _time.GetUtcNow();
        }
    }

    private void NoteDegraded(string reason)
    {
        if (State == HsmConnectionState.Connected)
        {
            SetState(HsmConnectionState.Degraded, reason);
        }
    }

    private void NoteSuccess()
    {
        bool recover;
        lock (_stateLock)
        {
            recover = _state == HsmConnectionState.Degraded && _ctx is not null &&
                      (_lastErrorAt is null || _time.GetUtcNow() - _lastErrorAt.Value >= _options.DegradedWindow);
        }

        if (recover)
        {
            SetState(HsmConnectionState.Connected, "no errors within the degraded window");
        }
    }
}
